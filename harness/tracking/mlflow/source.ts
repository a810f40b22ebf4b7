import type { RunStatus } from '../types.ts';

/**
 * What the MLflow mirror needs from the local tracking store, and nothing more. The SQLite store
 * implements it (its mlflow_runs table holds the mappings); tests use MemorySource. Methods may
 * answer synchronously (better-sqlite3) or with a promise.
 */
export interface MlflowSource {
  /** Runs to mirror, in a stable order (the store's run id order). */
  listRuns(filter?: SourceRunFilter): Awaitable<SourceRun[]>;
  /** What was already mirrored of a run to this tracking server; undefined when nothing was. */
  getMapping(runKey: string, trackingUri: string): Awaitable<MlflowRunMapping | undefined>;
  /**
   * Remembers what was mirrored (replaces the previous mapping). Called after the MLflow run is
   * created and again after each successful log-batch call, upload and status update, so an
   * interrupted sync resumes without resending.
   */
  setMapping(runKey: string, trackingUri: string, mapping: MlflowRunMapping): Awaitable<void>;
}

export type Awaitable<T> = T | Promise<T>;

export interface SourceRunFilter {
  /** only runs listed under this skillbench experiment */
  experiment?: string;
  /** only this run */
  runKey?: string;
}

export interface SourceRun {
  /** the run key (content hash); becomes the MLflow run name and the tag skillbench.run_key */
  key: string;
  /** the skillbench experiment name; becomes the MLflow experiment name */
  experiment: string;
  status: RunStatus;
  /** ISO 8601 */
  startedAt?: string;
  /** ISO 8601 */
  finishedAt?: string;
  /** flat name -> value (nested run params flattened with dots: `optimizer.lr`) */
  params: Record<string, string>;
  /**
   * Tags, e.g. `skillbench.method`, `skillbench.seed`, `skillbench.profile`, `skillbench.backend`,
   * `skillbench.protocols`, `mlflow.source.git.commit` (MLflow's UI shows that one as the
   * run's commit), `skillbench.error` for failed runs, `skillbench.skip_reason` for skipped ones.
   * The mirror adds `skillbench.run_key` and `skillbench.status` itself.
   */
  tags: Record<string, string>;
  /** every metric point, names as in the store: `<split>.<protocol>.<scope>.<metric>` */
  metrics: SourceMetric[];
  artifacts: SourceArtifact[];
}

export interface SourceMetric {
  name: string;
  value: number;
  /** undefined for a run's final numbers (MLflow records them at step 0) */
  step?: number;
  /** ms since the epoch */
  timestamp: number;
}

export interface SourceArtifact {
  /** absolute path of the local file */
  localPath: string;
  /** path under the MLflow run's artifacts, forward slashes: `predictions/test.jsonl` */
  artifactPath: string;
  /** of the file's bytes when it was recorded; the mirror refuses to upload a file that changed since */
  sha256: string;
  bytes: number;
}

/** The link between a local run and its MLflow run, and what the mirror already sent there. */
export interface MlflowRunMapping {
  experimentId: string;
  runId: string;
  /** the run's artifact_uri, to know where uploads go without asking again (optional) */
  artifactUri?: string;
  sent: SentState;
}

/** Plain JSON, so a store can keep it in one text column. */
export interface SentState {
  /** identities of metric points already logged: see metricIdentity() */
  metrics: string[];
  /** param name -> value as logged (after truncation); MLflow never lets it change */
  params: Record<string, string>;
  /** tag name -> value as last logged */
  tags: Record<string, string>;
  /** artifact path -> sha256 of the bytes uploaded there */
  artifacts: Record<string, string>;
  /** the MLflow run status last set */
  status?: string;
  /** the end_time last set (ms) */
  endTime?: number;
}

export function emptySentState(): SentState {
  return { metrics: [], params: {}, tags: {}, artifacts: {} };
}

/** A mapping as a store gave it back, with missing parts of `sent` filled in (a store may keep '{}'). */
export function completeMapping(mapping: MlflowRunMapping): MlflowRunMapping {
  return { ...mapping, sent: { ...emptySentState(), ...mapping.sent } };
}

/**
 * A metric point's identity: name, step (MLflow's, so 0 when the store has none) and timestamp.
 * Step and timestamp come first because they are integers: the name may contain any separator.
 */
export function metricIdentity(metric: { name: string; step?: number; timestamp: number }): string {
  return `${metric.step ?? 0}:${metric.timestamp}:${metric.name}`;
}
