/** What to run (RunSpec, from an experiment file) and what happened (RunRecord, in the store). */

export interface DatasetBinding {
  /** as written in the experiment file: `skillspan:test` or a path */
  ref: string;
  /** sha256 of the file's bytes: part of the run key */
  hash: string;
  /** only the first `limit` sentences (profiles such as smoke use it); part of the run key */
  limit?: number;
  /** the absolute file path the ref resolved to when the run was planned */
  path?: string;
}

/** What to load for a binding: bundled refs by name (stable across machines), files by their absolute path. */
export function datasetSource(binding: DatasetBinding): string {
  return binding.ref.startsWith('skillspan:') || !binding.path ? binding.ref : binding.path;
}

export interface RunSpec {
  /** content hash of (method, methodVersion, params, seed, dataset hashes): a finished run with the same key is never redone */
  key: string;
  /** experiment name (unique across experiment files) */
  experiment: string;
  /** the experiment file it came from (relative paths in it are relative to its folder) */
  file: string;
  method: string;
  methodVersion: string;
  /** fully resolved params: defaults < experiment params < profile overrides < sweep point */
  params: Record<string, unknown>;
  /** the sweep values of this run ({} without a sweep) */
  sweepPoint: Record<string, unknown>;
  seed: number;
  profile?: string;
  dataset: {
    train?: DatasetBinding;
    dev?: DatasetBinding;
    test: DatasetBinding;
  };
  tags: string[];
}

export type RunStatus = 'pending' | 'running' | 'finished' | 'failed' | 'skipped' | 'interrupted';

export interface RunEnvironment {
  gitCommit?: string;
  gitDirty?: boolean;
  node: string;
  platform: string;
  os: string;
  cpu: string;
  cpuCount: number;
  memoryBytes: number;
  gpu?: string;
  packageVersion: string;
  lockfileSha256?: string;
  packages: Record<string, string>;
  /** facts the method recorded: tfjs backend, adapter, thread count, model path */
  method?: Record<string, unknown>;
  /** the method's describe() for the report: parameter count, setup */
  description?: { parameters?: string; setup?: string; [key: string]: unknown };
}

export interface RunRecord {
  id: number;
  key: string;
  experiment: string;
  method: string;
  seed: number;
  profile?: string;
  status: RunStatus;
  spec: RunSpec;
  environment?: RunEnvironment;
  startedAt?: string;
  finishedAt?: string;
  /** e.g. "train", "predict:dev", "predict:test", "score" */
  phase?: string;
  error?: { message: string; stack?: string };
  skipReason?: string;
  timings: Record<string, number>;
}
