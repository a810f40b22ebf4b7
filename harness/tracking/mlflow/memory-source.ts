import type { MlflowRunMapping, MlflowSource, SourceMetric, SourceRun, SourceRunFilter } from './source.ts';

/**
 * An MlflowSource held in memory: for tests, and for mirroring runs that never touched the SQLite
 * store. Everything goes in and out as copies, as it would through a database.
 */
export class MemorySource implements MlflowSource {
  private readonly runs = new Map<string, SourceRun>();
  private readonly mappings = new Map<string, MlflowRunMapping>();
  /** setMapping calls, for tests that check progress is saved as it happens */
  mappingWrites = 0;

  constructor(runs: SourceRun[] = []) {
    for (const run of runs) this.putRun(run);
  }

  /** Adds or replaces a run. */
  putRun(run: SourceRun): void {
    this.runs.set(run.key, structuredClone(run));
  }

  /** Changes a run in place (status, times, params, tags). */
  updateRun(key: string, change: Partial<Omit<SourceRun, 'key'>>): void {
    const run = this.requireRun(key);
    this.runs.set(key, structuredClone({ ...run, ...change }));
  }

  addMetrics(key: string, ...points: SourceMetric[]): void {
    this.requireRun(key).metrics.push(...structuredClone(points));
  }

  listRuns(filter: SourceRunFilter = {}): SourceRun[] {
    return [...this.runs.values()]
      .filter(
        (run) =>
          (filter.experiment === undefined || run.experiment === filter.experiment) &&
          (filter.runKey === undefined || run.key === filter.runKey),
      )
      .map((run) => structuredClone(run));
  }

  getMapping(runKey: string, trackingUri: string): MlflowRunMapping | undefined {
    const mapping = this.mappings.get(mappingKey(runKey, trackingUri));
    return mapping && structuredClone(mapping);
  }

  setMapping(runKey: string, trackingUri: string, mapping: MlflowRunMapping): void {
    this.mappingWrites++;
    this.mappings.set(mappingKey(runKey, trackingUri), structuredClone(mapping));
  }

  forgetMapping(runKey: string, trackingUri: string): void {
    this.mappings.delete(mappingKey(runKey, trackingUri));
  }

  private requireRun(key: string): SourceRun {
    const run = this.runs.get(key);
    if (!run) throw new Error(`no run with key ${key}`);
    return run;
  }
}

function mappingKey(runKey: string, trackingUri: string): string {
  return `${trackingUri}\n${runKey}`;
}
