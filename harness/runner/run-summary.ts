import type { RunStore } from '../tracking/store.ts';
import type { RunRecord } from '../tracking/types.ts';

/** The JSON form of a run that `runs ls --format json` and `run --format json` print (a stable interface). */
export interface RunSummaryJson {
  id: number;
  key: string;
  experiment: string;
  method: string;
  seed: number;
  profile: string | null;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  cached: boolean;
  metrics: Record<string, number>;
}

export function runSummaryJson(store: RunStore, run: RunRecord, cached = false): RunSummaryJson {
  return {
    id: run.id,
    key: run.key,
    experiment: run.experiment,
    method: run.method,
    seed: run.seed,
    profile: run.profile ?? null,
    status: run.status,
    started_at: run.startedAt ?? null,
    finished_at: run.finishedAt ?? null,
    cached,
    metrics: store.summaryMetrics(run.id),
  };
}
