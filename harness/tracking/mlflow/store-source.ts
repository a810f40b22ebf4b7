import type { RunStore } from '../store.ts';
import type { RunRecord } from '../types.ts';
import type { MlflowRunMapping, MlflowSource, SentState, SourceRun, SourceRunFilter } from './source.ts';

/**
 * The SQLite tracking store as the MLflow mirror's source: runs with their params, tags, every
 * metric point and artifacts, and the mlflow_runs table remembering what each tracking server
 * already received.
 */
export class StoreMlflowSource implements MlflowSource {
  constructor(private readonly store: RunStore) {}

  listRuns(filter: SourceRunFilter = {}): SourceRun[] {
    const runs = filter.runKey
      ? [this.store.findRunByKey(filter.runKey)].filter((run): run is RunRecord => run !== undefined)
      : this.store.listRuns({ experiment: filter.experiment });
    return runs
      .filter((run) => !filter.experiment || this.store.runExperiments(run.id).includes(filter.experiment))
      .map((run) => this.toSourceRun(run));
  }

  getMapping(runKey: string, trackingUri: string): MlflowRunMapping | undefined {
    const row = this.store.db
      .prepare(
        'SELECT experiment_id, run_id, sent_json FROM mlflow_runs WHERE run_key = ? AND tracking_uri = ?',
      )
      .get(runKey, trackingUri) as { experiment_id: string; run_id: string; sent_json: string } | undefined;
    if (!row) return undefined;
    const stored = JSON.parse(row.sent_json) as { sent?: Partial<SentState>; artifactUri?: string };
    return {
      experimentId: row.experiment_id,
      runId: row.run_id,
      artifactUri: stored.artifactUri,
      sent: { metrics: [], params: {}, tags: {}, artifacts: {}, ...stored.sent },
    };
  }

  setMapping(runKey: string, trackingUri: string, mapping: MlflowRunMapping): void {
    this.store.db
      .prepare(
        `INSERT INTO mlflow_runs (run_key, tracking_uri, experiment_id, run_id, sent_json, synced_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_key, tracking_uri) DO UPDATE SET experiment_id = excluded.experiment_id,
           run_id = excluded.run_id, sent_json = excluded.sent_json, synced_at = excluded.synced_at`,
      )
      .run(
        runKey,
        trackingUri,
        mapping.experimentId,
        mapping.runId,
        JSON.stringify({ sent: mapping.sent, artifactUri: mapping.artifactUri }),
        new Date().toISOString(),
      );
  }

  private toSourceRun(run: RunRecord): SourceRun {
    const environment = run.environment;
    const backend = environment?.method?.backend;
    const tags: Record<string, string> = {
      'skillbench.method': run.method,
      'skillbench.seed': String(run.seed),
      'skillbench.profile': run.profile ?? 'default',
      'skillbench.protocols': 'nervaluate,nereval,set',
    };
    if (environment?.gitCommit) tags['mlflow.source.git.commit'] = environment.gitCommit;
    if (environment?.gitDirty !== undefined) tags['skillbench.git_dirty'] = String(environment.gitDirty);
    if (typeof backend === 'string') tags['skillbench.backend'] = backend;
    if (run.error) tags['skillbench.error'] = run.error.message;
    if (run.skipReason) tags['skillbench.skip_reason'] = run.skipReason;
    return {
      key: run.key,
      experiment: run.experiment,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      params: this.store.params(run.id),
      tags,
      metrics: this.store.metricHistory(run.id),
      artifacts: this.store.artifacts(run.id).map((artifact) => ({
        localPath: artifact.path,
        artifactPath: artifact.name,
        sha256: artifact.sha256,
        bytes: artifact.bytes,
      })),
    };
  }
}
