/**
 * The run session, callable from code (like lm-evaluation-harness's simple_evaluate): experiment
 * files in, finished runs (in the store), the MLflow mirror and the report out. `skillbench run`
 * is a thin argument parser over runExperiments(); a script, a notebook or a scheduler calls it
 * directly. One run's execution stays in executeRun (execute-run.ts), which an executor (a Slurm
 * job) can call on its own.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import { byExecutor, pluginPaths, startSlurmRuns } from '../executors/slurm/start.ts';
import { defaultWorkDir } from '../executors/work-dir.ts';
import { loadExperimentsOrThrow } from '../experiments/load.ts';
import {
  experimentInfo,
  type Plan,
  type PlannedRun,
  type PlanOptions,
  planRuns,
} from '../experiments/plan.ts';
import type { Problem } from '../experiments/problems.ts';
import type { ExecutorName } from '../experiments/schema.ts';
import { loadPlugins } from '../methods/plugins.ts';
import type { ReportFormat } from '../report/outputs.ts';
import { BackgroundMirror } from '../tracking/mlflow/background-mirror.ts';
import { StoreMlflowSource } from '../tracking/mlflow/store-source.ts';
import { RunStore } from '../tracking/store.ts';
import { DEFAULT_STORE_PATH } from '../tracking/store-path.ts';
import type { RunRecord } from '../tracking/types.ts';
import { describeError, InputError } from '../util/errors.ts';
import type { RunOutcome } from './execute-run.ts';
import { ProgressBoard } from './progress.ts';
import { type RunExecutor, runPlan } from './runner.ts';

export interface SessionOptions extends PlanOptions {
  /** experiment files or folders */
  files: readonly string[];
  /** the SQLite store's path (default .skillbench/runs.db) */
  store?: string;
  /** plugin modules exporting more methods (SKILLBENCH_PLUGINS is read too) */
  plugins?: readonly string[];
  /** plan and report what is cached, run nothing */
  dryRun?: boolean;
  /** redo finished runs */
  force?: boolean;
  /** methods' response cache never hits: LLM answers are asked again (and still written) */
  noCache?: boolean;
  /** runs at a time in this process */
  jobs?: number;
  /** write the report at the end (default true: HTML at reports/out/index.html) */
  report?: boolean | { out?: string; format?: ReportFormat };
  /** stops the session at the next safe point (runs in progress are marked interrupted) */
  signal?: AbortSignal;
  /**
   * SIGINT / SIGTERM stop the session at the next safe point; a second one exits the process
   * with 130. For command-line programs; a library caller passes its own `signal` instead.
   */
  handleSignals?: boolean;
  /** where live progress goes (default stderr); false: nowhere */
  progress?: NodeJS.WriteStream | false;
  /** notes and warnings, one line each (default: stderr) */
  log?: (line: string) => void;
  /** how one run is executed (default: executeRun in this process) */
  executor?: RunExecutor;
  /** where runs execute (default: each experiment file's `executor`, else local) */
  executorName?: ExecutorName;
  /** slurm: a folder every node sees at the same path (default: the store's folder) */
  workDir?: string;
  /** slurm: submit and return; `skillbench collect` brings the results in later */
  detach?: boolean;
}

/** A planned run and what the store already has for it (for `--dry-run`). */
export interface PlannedState {
  spec: PlannedRun;
  existing?: RunRecord;
}

export interface SessionResult {
  plan: Plan;
  /** problems that are not errors (errors throw an ExperimentError before anything runs) */
  warnings: Problem[];
  /** one per run of the plan, in plan order (empty for a dry run) */
  outcomes: RunOutcome[];
  /** for a dry run: every planned run with its stored state */
  planned: PlannedState[];
  /** seconds spent running */
  seconds: number;
  /** runs left queued or running on Slurm (--detach, or Ctrl-C while following) */
  queued: number;
  interrupted: boolean;
  /** the report's path when one was written */
  reportPath?: string;
  /** why the report could not be written (the runs are in the store all the same) */
  reportError?: string;
}

/**
 * Loads, validates and plans the experiments, runs what is not finished (resuming what is
 * unfinished), mirrors each ended run to MLflow when MLFLOW_TRACKING_URI is set, and writes the
 * report. Invalid experiment files throw (an ExperimentError listing every problem) before
 * anything runs; a failing run is recorded and the others go on.
 */
export async function runExperiments(options: SessionOptions): Promise<SessionResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new InputError(`--jobs must be a positive whole number of runs at a time, got ${jobs}`);
  if (options.seeds !== undefined && (!Number.isInteger(options.seeds) || options.seeds < 1))
    throw new InputError(`--seeds must be a positive whole number, got ${options.seeds}`);
  registerBuiltinMethods();
  await loadPlugins(options.plugins ?? []);
  const { experiments, warnings } = await loadExperimentsOrThrow(options.files);
  const plan = planRuns(experiments, options);
  for (const note of plan.notes) log(`note: ${note}`);

  const storePath = options.store ?? DEFAULT_STORE_PATH;
  const store = new RunStore(storePath);
  const result: SessionResult = {
    plan,
    warnings,
    outcomes: [],
    planned: [],
    seconds: 0,
    queued: 0,
    interrupted: false,
  };
  try {
    const reaped = store.reapAbandonedRuns();
    if (reaped > 0) log(`note: ${reaped} run(s) left running by a process that is gone will resume`);
    // published rows are recorded with their experiment; they have no runs
    for (const experiment of plan.experiments) {
      store.upsertExperiment(experimentInfo(experiment));
    }
    if (options.dryRun) {
      result.planned = plan.runs.map((spec) => ({ spec, existing: store.findRunByKey(spec.key) }));
      return result;
    }
    const report = options.report ?? true;
    const controller = new AbortController();
    const stopSignals = options.handleSignals ? handleInterrupts(controller, log) : () => {};
    const forward = () => controller.abort();
    options.signal?.addEventListener('abort', forward, { once: true });
    if (options.signal?.aborted) controller.abort();
    const board = new ProgressBoard(options.progress === false ? silentStream() : options.progress);
    const started = performance.now();
    // with MLFLOW_TRACKING_URI set, each ended run is mirrored in the background within one time
    // budget for the session; a server that is down or hung costs a line and a few seconds
    // (`skillbench mlflow sync` catches up later)
    const mirror = BackgroundMirror.start(new StoreMlflowSource(store), { log: (line) => board.print(line) });
    try {
      const afterRun = async (run: RunRecord) => {
        if (report) await prepareReport(store, run.id, (line) => board.print(line));
        mirror?.enqueue(run.key);
      };
      const split = byExecutor(
        plan.experiments.filter((experiment) => experiment.runs.length > 0),
        options.executorName,
      );
      // Slurm runs are submitted first, so that they run while this process does the local ones
      const slurm =
        split.slurm.length > 0
          ? await startSlurmRuns(split.slurm, {
              store,
              workDir: options.workDir ?? defaultWorkDir(storePath),
              plugins: pluginPaths(options.plugins ?? []),
              force: options.force ?? false,
              detach: options.detach ?? false,
              board,
              signal: controller.signal,
              afterRun,
            })
          : undefined;
      const local = await runPlan(
        split.local.flatMap((experiment) => experiment.runs),
        {
          store,
          board,
          signal: controller.signal,
          force: options.force,
          noCache: options.noCache,
          jobs: options.jobs,
          executor: options.executor,
          afterRun,
        },
      );
      const followed = (await slurm?.follow()) ?? [];
      const order = new Map(plan.runs.map((spec, index) => [spec.key, index]));
      result.outcomes = [...(slurm?.done ?? []), ...followed, ...local].sort(
        (a, b) => (order.get(a.spec.key) ?? 0) - (order.get(b.spec.key) ?? 0),
      );
      result.queued = (slurm?.queued ?? 0) - followed.length;
    } finally {
      stopSignals();
      options.signal?.removeEventListener('abort', forward);
      board.stop();
    }
    result.seconds = (performance.now() - started) / 1000;
    result.interrupted = controller.signal.aborted;
    if (report && !result.interrupted && result.queued === 0) {
      const { out, format } = typeof report === 'object' ? report : {};
      try {
        const { writeReportFile } = await import('../report/write-report.ts');
        result.reportPath = writeReportFile({ storePath, out, format }).path;
        if (mirror) attachReportToMirroredRuns(store, mirror, result.reportPath, result.outcomes);
      } catch (error) {
        // the last step: every run is already in the store
        result.reportError = describeError(error);
      }
    }
    await mirror?.finish({ abandon: result.interrupted });
    return result;
  } finally {
    store.close();
  }
}

/** First signal: stop at the next safe point; second: exit now. Returns the uninstaller. */
function handleInterrupts(controller: AbortController, log: (line: string) => void): () => void {
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    log('\nstopping at the next safe point (finished work is kept; Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  return () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  };
}

function silentStream(): NodeJS.WriteStream {
  return { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
}

/**
 * Re-scores a finished run for the report right away (tens of milliseconds), so the report at the
 * end only reads. A problem here is reported and costs nothing but speed later.
 */
export async function prepareReport(
  store: RunStore,
  runId: number,
  log: (line: string) => void,
): Promise<void> {
  try {
    const { warmReportCache } = await import('../report/warm-cache.ts');
    for (const problem of warmReportCache(store, [runId]).problems) log(`note: report cache: ${problem}`);
  } catch (error) {
    log(
      `note: could not prepare run ${runId} for the report (${describeError(error)}); the report will re-score it`,
    );
  }
}

/**
 * With MLflow configured, the report joins the artifacts of the runs this session finished (a
 * snapshot in each run's artifact folder, so later reports do not change what was recorded) and
 * is mirrored with them.
 */
function attachReportToMirroredRuns(
  store: RunStore,
  mirror: BackgroundMirror,
  reportPath: string,
  outcomes: readonly RunOutcome[],
): void {
  for (const outcome of outcomes) {
    if (outcome.status !== 'finished' || outcome.cached) continue;
    const snapshot = join(store.artifactRoot(), outcome.run.key, 'report', basename(reportPath));
    mkdirSync(dirname(snapshot), { recursive: true });
    copyFileSync(reportPath, snapshot);
    store.addArtifact(outcome.run.id, `report/${basename(reportPath)}`, snapshot);
    mirror.enqueue(outcome.run.key);
  }
}
