import type { z } from 'zod';
import type { Prediction, Sentence } from '../data/types.ts';

/**
 * The contract every method implements (baselines/<method>/method.ts, or a plugin). One member is
 * required, `predict`; everything else is a small optional ability the runner uses when present
 * (after promptfoo's providers: one call, extra abilities on the side). docs/adding-a-method.md has
 * a complete example.
 *
 * `M` is the method's model: whatever `train` returns or `load` rebuilds from the run's artifact
 * folder (a phrase list, a tfjs network, a loaded LLM). The runner hands it to every `predict` of
 * the run, typed; a method without train/load gets `undefined`.
 *
 * A method never touches the store, the report or the CLI: it gets everything through its context.
 */
export type Method<P = unknown, M = undefined> = MethodCore<P, M> & (Untrained | Trained<P, M>);

export interface MethodCore<P, M> {
  /** the name experiment files use (`method: lexicon`) */
  readonly name: string;
  /**
   * Bumped whenever the method's code changes what it computes: part of every run key, so old
   * results are not mistaken for new ones.
   */
  readonly version: string;
  /** validates `params` of an experiment file (after profile overrides and sweep expansion) */
  readonly params: z.ZodType<P>;
  /**
   * Predicts the given sentences, yielding one Prediction per sentence as soon as it is ready: the
   * runner appends each to a JSONL artifact (a killed run resumes where it stopped) and counts the
   * progress from what is yielded. Order does not matter; every sentence must get exactly one.
   */
  predict(ctx: PredictContext<P>, sentences: readonly Sentence[], model: M): AsyncIterable<Prediction>;
  /**
   * Gets the model ready for predict() without training: reads the trained model back from
   * ctx.artifactDir (a later process, after a resume), or loads pretrained weights. Called at most
   * once per run, and only when something is left to predict.
   */
  load?(ctx: LoadContext<P>): M | Promise<M>;
  /** releases what the model holds (tfjs tensors, a native model) after the run's predictions */
  dispose?(model: M): void | Promise<void>;
  /**
   * Why this method cannot run on this machine with these params (no weights at the given path,
   * no API endpoint configured), with how to enable it; undefined when it can run. The runner
   * then records the run as skipped instead of failed. Relative paths in params are relative to
   * baseDir, the experiment file's folder.
   */
  unavailable?(params: P, baseDir: string): string | undefined | Promise<string | undefined>;
  /**
   * Inputs outside the params that the run key must cover, such as content hashes of files the
   * params point at (an imported prediction file, a model folder). Paths are relative to baseDir.
   */
  fingerprint?(params: P, baseDir: string): Record<string, string>;
  /**
   * The splits this method predicts with these params. Default: dev (when the experiment has
   * one) and test. An import of test predictions only returns ['test'].
   */
  predictsSplits?(params: P): readonly Split[];
  /** A short human description of the row for reports (model, parameter count, setup), recorded on the run. */
  describe?(params: P, baseDir: string): MethodDescription;
}

/** A method that does not train (zero-shot, imported predictions, a pretrained model it loads). */
export interface Untrained {
  readonly train?: undefined;
}

/**
 * A method that trains. train() returns the model for this process; the same model must also be
 * written to ctx.artifactDir, so that load() can rebuild it in a later process (after Ctrl-C
 * between training and prediction). Long training checkpoints into ctx.artifactDir and resumes
 * from there when it finds a checkpoint.
 */
export interface Trained<P, M> {
  train(ctx: TrainContext<P>): Promise<M>;
  load(ctx: LoadContext<P>): M | Promise<M>;
}

export type Split = 'dev' | 'test';

export interface MethodDescription {
  /** e.g. "110M" */
  parameters?: string;
  /** the Training & Inference column of Table 2 */
  setup?: string;
  backend?: string;
  [key: string]: unknown;
}

/** What every call of a method gets. */
export interface MethodContext<P = unknown> {
  readonly params: P;
  readonly seed: number;
  readonly runKey: string;
  /** the experiment file's folder: relative paths in params are relative to it */
  readonly baseDir: string;
  /** a folder owned by this run: checkpoints, trained model, logs */
  readonly artifactDir: string;
  /** learning curves and other metrics, with steps */
  readonly tracker: Tracker;
  /** permanent key-value cache (LLM responses); keys are content hashes chosen by the method */
  readonly cache: ResponseCache;
  /** aborted on Ctrl-C: stop at the next safe point, keeping checkpoints */
  readonly signal: AbortSignal;
  /** a line for the run's log */
  log(message: string): void;
  /** records facts about the run's environment (backend, adapter, thread count) */
  recordEnvironment(facts: Record<string, unknown>): void;
}

export interface LoadContext<P = unknown> extends MethodContext<P> {
  /** progress of a long load (reading an 8B checkpoint); optional to use */
  readonly progress: Progress;
}

export interface TrainContext<P = unknown> extends MethodContext<P> {
  readonly train: Sentence[];
  readonly dev: Sentence[];
  /** training progress is the method's to report: epochs, steps, tuning */
  readonly progress: Progress;
  /**
   * Scores predictions on the dev split with every protocol and returns the metrics under the
   * store's names without the split prefix (`nervaluate.overall.f1`, `set.SKILL.f1`, ...), for
   * model selection and learning curves.
   */
  scoreDev(predictions: Prediction[]): Record<string, number>;
}

export interface PredictContext<P = unknown> extends MethodContext<P> {
  /** which split is being predicted */
  readonly split: Split;
  /**
   * The whole split in file order; `sentences` passed to predict() may be only the part not yet
   * predicted (after a resume). Methods that read predictions from elsewhere (import) align by it.
   */
  readonly splitSentences: readonly Sentence[];
  /** a short status text after the progress bar (tokens per second, cache hits); the count is the runner's */
  status(text: string): void;
}

export interface Tracker {
  /** a metric value; step makes it a point of a curve (loss by step, dev F1 by epoch) */
  logMetric(name: string, value: number, step?: number): void;
  logParam(name: string, value: string | number | boolean): void;
}

export interface ResponseCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface Progress {
  /** starts (or restarts) a phase: `train epoch 3/20`, `tune threshold` */
  start(phase: string, total: number, unit?: string): void;
  advance(by?: number): void;
  /** a short status text shown after the bar (loss, dev F1) */
  status(text: string): void;
}

/** Any method, whatever its params and model: what registries and the runner hold. */
// biome-ignore lint/suspicious/noExplicitAny: the runner passes each method its own params and model
export type AnyMethod = Method<any, any>;
