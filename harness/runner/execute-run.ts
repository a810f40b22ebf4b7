import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDataset } from '../data/datasets.ts';
import type { Prediction, Sentence } from '../data/types.ts';
import type {
  AnyMethod,
  LoadContext,
  MethodContext,
  PredictContext,
  Progress,
  Split,
  TrainContext,
} from '../methods/method.ts';
import { loadMethod } from '../methods/registry.ts';
import { captureEnvironment } from '../tracking/environment.ts';
import type { RunStore } from '../tracking/store.ts';
import {
  datasetSource,
  type RunEnvironment,
  type RunRecord,
  type RunSpec,
  type RunStatus,
} from '../tracking/types.ts';
import { describeError } from '../util/errors.ts';
import { prefixMetrics } from './metric-names.ts';
import { PredictionLog } from './prediction-log.ts';
import { scoreSplit } from './score-split.ts';
import { checkPrediction } from './validate-prediction.ts';

export interface RunOutcome {
  spec: RunSpec;
  run: RunRecord;
  status: RunStatus;
  /** true when this invocation reused a finished run instead of running it */
  cached: boolean;
  /** one line: why skipped, what failed */
  message?: string;
}

export interface ExecuteOptions {
  store: RunStore;
  signal: AbortSignal;
  progress: Progress & { close(summary?: string): void };
  log(message: string): void;
  force?: boolean;
  /** notified after a run ends (MLflow mirror); errors are the callee's to handle */
  afterRun?(run: RunRecord): Promise<void>;
}

/** Marks a finished training in the artifact folder, so a resumed run goes straight to predicting. */
const TRAINED_MARKER = 'trained.json';

/**
 * Runs one spec end to end: train (if the method trains), predict dev and test (appending each
 * prediction to a JSONL artifact as it comes), score with every protocol, record everything.
 * A finished run with the same key is reused; an unfinished one resumes. Failures are recorded on
 * the run, never thrown: the caller goes on with the other runs.
 */
export async function executeRun(spec: RunSpec, options: ExecuteOptions): Promise<RunOutcome> {
  const { store } = options;
  const method = await loadMethod(spec.method);
  if (!method) throw new Error(`method "${spec.method}" is not registered`);
  let run = store.ensureRun(spec);
  const artifactDir = join(store.artifactRoot(), spec.key);

  if (run.status === 'finished' && !options.force) {
    return { spec, run, status: 'finished', cached: true };
  }
  if (options.force && run.status !== 'pending') {
    store.resetRun(run.id);
    rmSync(artifactDir, { recursive: true, force: true });
  }

  const reason = await method.unavailable?.(spec.params, dirname(spec.file));
  if (reason) {
    store.updateRun(run.id, { status: 'skipped', skipReason: reason, phase: null, error: null });
    return finish(store, spec, run.id, 'skipped', reason);
  }

  mkdirSync(artifactDir, { recursive: true });
  const baseDir = dirname(spec.file);
  const environment: RunEnvironment = captureEnvironment();
  const description = describeRun(method, spec.params, baseDir);
  if (description) environment.description = description;
  const methodFacts: Record<string, unknown> = {};
  const timings: Record<string, number> = { ...run.timings };
  store.claimRun(run.id);
  store.updateRun(run.id, {
    status: 'running',
    startedAt: run.startedAt ?? new Date().toISOString(),
    finishedAt: null,
    error: null,
    skipReason: null,
    environment,
  });
  store.logParams(
    run.id,
    flattenParams({
      ...spec.params,
      seed: spec.seed,
      method: spec.method,
      profile: spec.profile ?? 'default',
    }),
  );

  const setPhase = (phase: string) => store.updateRun(run.id, { phase });
  // the model train() returned or load() rebuilt, handed to every predict() of this run
  let model: { value: unknown } | undefined;
  try {
    const load = (binding: RunSpec['dataset']['test'] | undefined): Sentence[] => {
      if (!binding) return [];
      const { sentences, hash } = loadDataset(datasetSource(binding), baseDir);
      if (hash !== binding.hash) {
        throw new Error(
          `dataset ${binding.ref} changed since the run was planned (hash ${hash.slice(0, 12)} != ${binding.hash.slice(0, 12)})`,
        );
      }
      return binding.limit === undefined ? sentences : sentences.slice(0, binding.limit);
    };
    const data = {
      train: load(spec.dataset.train),
      dev: load(spec.dataset.dev),
      test: load(spec.dataset.test),
    };

    const context: MethodContext = {
      params: spec.params,
      seed: spec.seed,
      runKey: spec.key,
      baseDir,
      artifactDir,
      tracker: {
        logMetric: (name, value, step) =>
          store.logMetrics(run.id, [{ name, value, step, timestamp: Date.now() }]),
        logParam: (name, value) => store.logParams(run.id, { [name]: value }),
      },
      cache: { get: (key) => store.cacheGet(key), set: (key, value) => store.cacheSet(key, value) },
      signal: options.signal,
      log: (message) => options.log(`[${spec.experiment} seed ${spec.seed}] ${message}`),
      recordEnvironment: (facts) => {
        Object.assign(methodFacts, facts);
        store.updateRun(run.id, { environment: { ...environment, method: { ...methodFacts } } });
      },
    };

    if (method.train && !existsSync(join(artifactDir, TRAINED_MARKER))) {
      setPhase('train');
      const started = performance.now();
      const trainContext: TrainContext = {
        ...context,
        progress: options.progress,
        train: data.train,
        dev: data.dev,
        scoreDev: (predictions) => scoreSplit(data.dev, predictions).metrics,
      };
      model = { value: await method.train(trainContext) };
      options.signal.throwIfAborted();
      timings.train_s = (timings.train_s ?? 0) + (performance.now() - started) / 1000;
      writeFileSync(
        join(artifactDir, TRAINED_MARKER),
        JSON.stringify({ finishedAt: new Date().toISOString() }),
      );
      store.updateRun(run.id, { timings });
    }

    const modelFor = async (): Promise<unknown> => {
      if (!model) {
        const loadContext: LoadContext = { ...context, progress: options.progress };
        model = { value: await method.load?.(loadContext) };
      }
      return model.value;
    };
    const splits = predictedSplits(method, spec).filter((split) => data[split].length > 0);
    const predictionsBySplit = new Map<string, Prediction[]>();
    for (const split of splits) {
      setPhase(`predict:${split}`);
      const sentences = data[split];
      const started = performance.now();
      const predicted = await predictSplit(
        method,
        {
          ...context,
          split,
          splitSentences: sentences,
          status: (text) => options.progress.status(text),
        },
        sentences,
        { artifactDir, progress: options.progress, model: modelFor },
      );
      const seconds = (performance.now() - started) / 1000;
      timings[`predict_${split}_s`] = seconds;
      store.updateRun(run.id, { timings });
      store.addArtifact(
        run.id,
        `predictions/${split}.jsonl`,
        join(artifactDir, 'predictions', `${split}.jsonl`),
      );
      store.savePredictions(run.id, split, predicted, new Map(sentences.map((s, i) => [s.id, i])));
      predictionsBySplit.set(split, predicted);
    }

    setPhase('score');
    const started = performance.now();
    // the scores of an earlier attempt go; what the method logged while training stays
    store.clearSummaryMetrics(
      run.id,
      splits.map((split) => `${split}.`),
    );
    for (const split of splits) {
      const { metrics, report } = scoreSplit(data[split], predictionsBySplit.get(split)!);
      const now = Date.now();
      store.logMetrics(
        run.id,
        Object.entries(prefixMetrics(split, metrics)).map(([name, value]) => ({
          name,
          value,
          timestamp: now,
        })),
      );
      const path = join(artifactDir, 'scores', `${split}.json`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(report, null, 1)}\n`);
      store.addArtifact(run.id, `scores/${split}.json`, path);
    }
    timings.score_s = (performance.now() - started) / 1000;
    if (timings.predict_test_s && data.test.length)
      timings.inference_sentences_per_s = data.test.length / timings.predict_test_s;
    store.updateRun(run.id, {
      status: 'finished',
      phase: null,
      finishedAt: new Date().toISOString(),
      timings,
    });
    run = store.getRun(run.id)!;
    await options.afterRun?.(run);
    return { spec, run, status: 'finished', cached: false };
  } catch (error) {
    const interrupted = options.signal.aborted;
    const status: RunStatus = interrupted ? 'interrupted' : 'failed';
    store.updateRun(run.id, {
      status,
      timings,
      error: interrupted
        ? { message: 'interrupted (Ctrl-C); rerun to resume' }
        : { message: describeError(error), stack: (error as Error)?.stack },
    });
    const outcome = finish(
      store,
      spec,
      run.id,
      status,
      interrupted ? 'interrupted; rerun to resume' : describeError(error),
    );
    if (!interrupted) await options.afterRun?.(outcome.run);
    return outcome;
  } finally {
    if (model) await disposeModel(method, model.value, options.log);
  }
}

/**
 * The splits a run predicts: what the method asks for (predictsSplits; default dev and test),
 * among the splits the experiment has.
 */
export function predictedSplits(method: AnyMethod, spec: RunSpec): Split[] {
  const wanted: readonly Split[] = method.predictsSplits?.(spec.params) ?? ['dev', 'test'];
  return (['dev', 'test'] as const).filter((split) => wanted.includes(split) && spec.dataset[split]);
}

/** describe() output for the report, recorded on the run (a failing describe costs only the text). */
function describeRun(
  method: AnyMethod,
  params: unknown,
  baseDir: string,
): Record<string, unknown> | undefined {
  try {
    return method.describe?.(params, baseDir);
  } catch {
    return undefined;
  }
}

async function disposeModel(
  method: AnyMethod,
  model: unknown,
  log: (message: string) => void,
): Promise<void> {
  try {
    await method.dispose?.(model);
  } catch (error) {
    log(`note: method ${method.name} could not release its model (${describeError(error)})`);
  }
}

/**
 * Predicts what is not yet in the split's prediction log, appending each prediction as it comes
 * and counting the progress from them. The model is asked for only when something is left.
 */
async function predictSplit(
  method: AnyMethod,
  context: PredictContext,
  sentences: Sentence[],
  run: { artifactDir: string; progress: Progress; model: () => Promise<unknown> },
): Promise<Prediction[]> {
  const folder = join(run.artifactDir, 'predictions');
  mkdirSync(folder, { recursive: true });
  const log = new PredictionLog(join(folder, `${context.split}.jsonl`));
  const done = log.readExisting();
  const wanted = new Map(sentences.filter((s) => !done.has(s.id)).map((s) => [s.id, s]));
  try {
    if (wanted.size > 0) {
      const model = await run.model();
      run.progress.start(`predict ${context.split}`, sentences.length, 'sent');
      run.progress.advance(done.size);
      for await (const prediction of method.predict(context, [...wanted.values()], model)) {
        checkPrediction(prediction, wanted.get(prediction.id), method.name);
        wanted.delete(prediction.id);
        log.append(prediction);
        done.set(prediction.id, prediction);
        run.progress.advance();
        context.signal.throwIfAborted();
      }
    }
  } finally {
    log.close();
  }
  if (wanted.size > 0) {
    throw new Error(
      `method "${method.name}" gave no prediction for ${wanted.size} ${context.split} sentences (first: ${[...wanted.keys()][0]})`,
    );
  }
  return sentences.map((s) => done.get(s.id)!);
}

function finish(
  store: RunStore,
  spec: RunSpec,
  runId: number,
  status: RunStatus,
  message?: string,
): RunOutcome {
  return { spec, run: store.getRun(runId)!, status, cached: false, message };
}

/** Params as flat `a.b.c` names with scalar values (how the store and MLflow keep them). */
export function flattenParams(
  params: Record<string, unknown>,
  prefix = '',
): Record<string, string | number | boolean> {
  const flat: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(flat, flattenParams(value as Record<string, unknown>, name));
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      flat[name] = value;
    } else if (value !== undefined) {
      flat[name] = JSON.stringify(value);
    }
  }
  return flat;
}
