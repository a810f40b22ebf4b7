import type { z } from 'zod';
import type { Prediction, Sentence } from '../data/types.ts';

/**
 * The one interface every Table 2 method implements (baselines/<method>/). A method never touches
 * the store, the report or the CLI: it gets everything through its context.
 */
export interface Method<P = unknown> {
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
   * Why this method cannot run on this machine with these params (no weights at the given path,
   * no API endpoint configured), with how to enable it; undefined when it can run. The runner
   * then records the run as skipped instead of failed. Relative paths in params are relative to
   * baseDir, the experiment file's folder.
   */
  unavailable?(params: P, baseDir: string): string | undefined | Promise<string | undefined>;
  /**
   * Inputs outside the params that the run key must cover, such as content hashes of files the
   * params point at (an imported prediction file, a model folder). Paths are relative to baseDir,
   * the experiment file's folder.
   */
  fingerprint?(params: P, baseDir: string): Record<string, string>;
  /**
   * The files and folders the params name (paths as written, relative to the experiment file's
   * folder), checked by `validate` and before `run` executes anything: a missing `required` one is
   * an error (the method cannot run without it), another a warning (the run will be skipped, see
   * unavailable).
   */
  inputFiles?(params: P): InputFile[];
  /** The splits this method predicts with these params (default: dev when the experiment has one, and test). */
  predictsSplits?(params: P): ('dev' | 'test')[];
  /** A short human description of the row for reports (model, parameter count, setup). */
  describe?(params: P, baseDir: string): MethodDescription;
  /**
   * Trains. The model must end up in ctx.artifactDir (so a later process can predict with it) and
   * may also be handed to predict() in memory through ctx.state. Long training checkpoints into
   * ctx.artifactDir and resumes from there when it finds a checkpoint.
   */
  train?(ctx: TrainContext<P>): Promise<void>;
  /**
   * Predicts the given sentences, yielding one Prediction per sentence as soon as it is ready
   * (the runner appends each to a JSONL artifact so that a killed run resumes where it stopped).
   * Order of yielded predictions does not matter; every sentence must get exactly one.
   */
  predict(ctx: PredictContext<P>, sentences: Sentence[]): AsyncIterable<Prediction>;
  /**
   * For methods whose predictions are not produced per sentence but read from somewhere (import),
   * or which do not run at all (published).
   */
  readonly kind?: 'model' | 'import' | 'published';
}

export interface InputFile {
  /** where the params name it (`['test']`, `['from']`) */
  param: readonly (string | number)[];
  path: string;
  kind: 'file' | 'folder';
  required: boolean;
}

export interface MethodDescription {
  /** e.g. "110M" */
  parameters?: string;
  /** the Training & Inference column of Table 2 */
  setup?: string;
  backend?: string;
  [key: string]: unknown;
}

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
  /** progress of the current phase */
  readonly progress: Progress;
  /** aborted on Ctrl-C: stop at the next safe point, keeping checkpoints */
  readonly signal: AbortSignal;
  /** in-process hand-over between train() and predict() of the same run */
  readonly state: Map<string, unknown>;
  /** a line for the run's log */
  log(message: string): void;
  /** records facts about the run's environment (backend, adapter, thread count) */
  recordEnvironment(facts: Record<string, unknown>): void;
}

export interface PredictContext<P = unknown> extends MethodContext<P> {
  /** which split is being predicted */
  readonly split: 'dev' | 'test';
  /**
   * The whole split in file order; `sentences` passed to predict() may be only the part not yet
   * predicted (after a resume). Methods that read predictions from elsewhere (import) align by it.
   */
  readonly splitSentences: readonly Sentence[];
}

export interface TrainContext<P = unknown> extends MethodContext<P> {
  readonly train: Sentence[];
  readonly dev: Sentence[];
  /**
   * Scores predictions on the dev split with every protocol and returns the metrics under the
   * store's names without the split prefix (`nervaluate.overall.f1`, `set.SKILL.f1`, ...), for
   * model selection and learning curves.
   */
  scoreDev(predictions: Prediction[]): Record<string, number>;
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
  /** starts (or restarts) a phase: `train epoch 3/20`, `predict test` */
  start(phase: string, total: number, unit?: string): void;
  advance(by?: number): void;
  /** a short status text shown after the bar (loss, dev F1) */
  status(text: string): void;
}
