import { readFile } from 'node:fs/promises';
import { sha256 } from '../../util/hash.ts';
import { proxiedArtifactRoot } from './artifacts.ts';
import type { MlflowClient } from './client.ts';
import { isErrorCode, isUnreachable, MlflowError } from './errors.ts';
import {
  type ParamConflict,
  parseTime,
  planIsEmpty,
  planRunSync,
  type RunPlan,
  type SkippedItem,
  type TruncatedItem,
} from './plan.ts';
import {
  completeMapping,
  emptySentState,
  type MlflowRunMapping,
  type MlflowSource,
  metricIdentity,
  type SentState,
  type SourceArtifact,
  type SourceRun,
} from './source.ts';
import type { LogBatchBody, MlflowMetric, MlflowRun } from './types.ts';

/**
 * Incremental mirror of the local store to an MLflow tracking server. The store stays the source
 * of truth: each sync sends only what the run's mapping says MLflow has not got yet, saves the
 * mapping after every successful call, and reports problems instead of throwing them.
 */

export interface SyncOptions {
  /** only runs of this skillbench experiment */
  experiment?: string;
  /** only this run (what the runner mirrors after each run) */
  runKey?: string;
  /** per-upload timeout; artifacts can be much larger than API calls */
  artifactTimeoutMs?: number;
  now?: () => number;
}

export interface SyncError {
  runKey?: string;
  experiment?: string;
  message: string;
  errorCode?: string;
  status?: number;
}

export interface SyncResult {
  trackingUri: string;
  /** no errors (conflicts and skipped items are warnings) */
  ok: boolean;
  /** true when the sync stopped early because the server could not be reached */
  unreachable: boolean;
  runsSeen: number;
  /** runs for which nothing was sent */
  runsUpToDate: number;
  experimentsCreated: string[];
  runsCreated: number;
  /** runs found in MLflow by their skillbench.run_key tag although the store had no mapping */
  runsAdopted: number;
  sent: {
    params: number;
    tags: number;
    metrics: number;
    artifacts: number;
    artifactBytes: number;
    statusUpdates: number;
    logBatchCalls: number;
  };
  conflicts: ParamConflict[];
  skipped: SkippedItem[];
  truncated: TruncatedItem[];
  errors: SyncError[];
  durationMs: number;
}

export const DEFAULT_ARTIFACT_TIMEOUT_MS = 300_000;

export function emptySyncResult(trackingUri: string): SyncResult {
  return {
    trackingUri,
    ok: true,
    unreachable: false,
    runsSeen: 0,
    runsUpToDate: 0,
    experimentsCreated: [],
    runsCreated: 0,
    runsAdopted: 0,
    sent: {
      params: 0,
      tags: 0,
      metrics: 0,
      artifacts: 0,
      artifactBytes: 0,
      statusUpdates: 0,
      logBatchCalls: 0,
    },
    conflicts: [],
    skipped: [],
    truncated: [],
    errors: [],
    durationMs: 0,
  };
}

/** Mirrors the selected runs. Never throws: every failure ends up in the result's errors. */
export async function syncToMlflow(
  source: MlflowSource,
  client: MlflowClient,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const started = Date.now();
  const result = emptySyncResult(client.trackingUri);
  try {
    await new RunMirror(source, client, options, result).syncAll();
  } catch (error) {
    // a bug or a store failure: still a report, never an exception into the caller's run
    result.errors.push(toSyncError(error));
  }
  result.ok = result.errors.length === 0;
  result.durationMs = Date.now() - started;
  return result;
}

class RunMirror {
  private readonly experimentIds = new Map<string, Promise<string>>();
  private readonly now: () => number;

  constructor(
    private readonly source: MlflowSource,
    private readonly client: MlflowClient,
    private readonly options: SyncOptions,
    private readonly result: SyncResult,
  ) {
    this.now = options.now ?? Date.now;
  }

  async syncAll(): Promise<void> {
    let runs: SourceRun[];
    try {
      runs = await this.source.listRuns({ experiment: this.options.experiment, runKey: this.options.runKey });
    } catch (error) {
      this.result.errors.push({ message: `cannot read runs from the local store: ${describe(error)}` });
      return;
    }
    this.result.runsSeen = runs.length;
    for (const [index, run] of runs.entries()) {
      try {
        await this.syncRun(run);
      } catch (error) {
        this.result.errors.push(toSyncError(error, run));
        if (isUnreachable(error)) {
          this.result.unreachable = true;
          const left = runs.length - index - 1;
          if (left > 0) {
            this.result.errors.push({
              message: `${left} more run(s) not mirrored: ${this.client.trackingUri} is not answering; a later \`skillbench mlflow sync\` catches up`,
            });
          }
          return;
        }
      }
    }
  }

  private async syncRun(run: SourceRun): Promise<void> {
    const stored = await this.source.getMapping(run.key, this.client.trackingUri);
    if (stored) {
      await this.push(run, completeMapping(stored), true);
      return;
    }
    await this.push(run, await this.link(run), false);
  }

  /** Sends what the plan says; recreates the MLflow run once if it was deleted for good. */
  private async push(run: SourceRun, mapping: MlflowRunMapping, mayRecreate: boolean): Promise<void> {
    const plan = planRunSync(run, mapping.sent, this.client.limits);
    const reported = { conflicts: this.result.conflicts.length, skipped: this.result.skipped.length };
    this.result.conflicts.push(...plan.conflicts);
    this.result.skipped.push(...plan.skipped);
    if (planIsEmpty(plan)) {
      this.result.runsUpToDate++;
      return;
    }
    try {
      await this.sendEntities(run, mapping, plan);
      await this.uploadArtifacts(run, mapping, plan.artifacts);
      if (plan.statusUpdate) {
        await this.client.updateRun({ runId: mapping.runId, ...plan.statusUpdate });
        mapping.sent.status = plan.statusUpdate.status;
        if (plan.statusUpdate.endTime !== undefined) mapping.sent.endTime = plan.statusUpdate.endTime;
        await this.save(run, mapping);
        this.result.sent.statusUpdates++;
      }
    } catch (error) {
      const runGone =
        isErrorCode(error, 'RESOURCE_DOES_NOT_EXIST') && error.endpoint?.startsWith('/api/2.0/mlflow/runs/');
      if (!mayRecreate || !runGone) throw error;
      // the new run is planned from scratch: report its conflicts and skipped items, not these
      this.result.conflicts.length = reported.conflicts;
      this.result.skipped.length = reported.skipped;
      // someone deleted the MLflow run for good (mlflow gc): the store still has it, so send it again
      await this.push(run, await this.link(run), false);
    }
  }

  /** Finds or creates the MLflow run for a local run and saves the new mapping. */
  private async link(run: SourceRun): Promise<MlflowRunMapping> {
    const experimentId = await this.experimentId(run.experiment);
    const existing = await this.findRun(experimentId, run.key);
    const mapping = existing ? mappingFromServer(existing) : await this.createRun(experimentId, run);
    if (existing) this.result.runsAdopted++;
    else this.result.runsCreated++;
    await this.save(run, mapping);
    return mapping;
  }

  /**
   * Creates the run without blind retries: after a failure whose answer was lost the run may exist
   * already, so each retry first looks for it by its run key tag.
   */
  private async createRun(experimentId: string, run: SourceRun): Promise<MlflowRunMapping> {
    const startTime = parseTime(run.startedAt) ?? parseTime(run.finishedAt) ?? this.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await this.client.createRun({
          experimentId,
          runName: run.key,
          startTime,
          tags: [{ key: 'skillbench.run_key', value: run.key }],
        });
        const sent = emptySentState();
        sent.tags['skillbench.run_key'] = run.key;
        sent.status = created.info.status ?? 'RUNNING';
        return { experimentId, runId: created.info.run_id, artifactUri: created.info.artifact_uri, sent };
      } catch (error) {
        if (!(error instanceof MlflowError) || !error.transient || attempt >= this.client.http.maxAttempts)
          throw error;
        await this.client.http.pause(attempt, error);
        const found = await this.findRun(experimentId, run.key);
        // created by the attempt whose answer was lost: still counted as created
        if (found) return mappingFromServer(found);
      }
    }
  }

  /** The active MLflow run tagged with this run key, if an earlier sync created one. */
  private async findRun(experimentId: string, runKey: string): Promise<MlflowRun | undefined> {
    // run keys are hashes; anything else is not put inside a filter string
    if (!/^[\w.:-]+$/.test(runKey)) return undefined;
    const { runs } = await this.client.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.skillbench.run_key = '${runKey}'`,
      maxResults: 1,
    });
    return runs[0];
  }

  /**
   * The MLflow experiment id for a skillbench experiment name: looked up by name, created when
   * missing (another process creating it at the same moment is fine), once per sync.
   */
  private experimentId(name: string): Promise<string> {
    let pending = this.experimentIds.get(name);
    if (!pending) {
      pending = this.resolveExperiment(name);
      this.experimentIds.set(name, pending);
    }
    return pending;
  }

  private async resolveExperiment(name: string): Promise<string> {
    let experiment = await this.client.getExperimentByName(name);
    if (!experiment) {
      try {
        const id = await this.client.createExperiment(name);
        this.result.experimentsCreated.push(name);
        return id;
      } catch (error) {
        if (!isErrorCode(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
        experiment = await this.client.getExperimentByName(name);
        if (!experiment) throw error;
      }
    }
    if (experiment.lifecycle_stage === 'deleted') {
      throw new MlflowError({
        status: 0,
        errorCode: 'INVALID_STATE',
        message:
          `the MLflow experiment "${name}" (id ${experiment.experiment_id}) is deleted; restore it ` +
          `(mlflow experiments restore --experiment-id ${experiment.experiment_id}) or remove it for good (mlflow gc) and sync again`,
      });
    }
    return experiment.experiment_id;
  }

  /**
   * Sends params, tags and metrics through log-batch. If the server refuses a batch as invalid
   * while params were in it, the likely cause is a param MLflow already holds with another value
   * (logged before the mapping was saved, or by someone else): the run's params are read back,
   * those become conflicts, and the rest is sent again once.
   */
  private async sendEntities(run: SourceRun, mapping: MlflowRunMapping, plan: RunPlan): Promise<void> {
    let pending: LogBatchBody = { params: plan.params, tags: plan.tags, metrics: plan.metrics };
    for (let attempt = 1; ; attempt++) {
      if (pending.params.length + pending.tags.length + pending.metrics.length === 0) return;
      try {
        await this.client.logBatch(mapping.runId, pending, {
          onChunkSent: (chunk) => this.markSent(run, mapping, chunk),
        });
        for (const item of plan.truncated) {
          if (item.kind === 'tag' || mapping.sent.params[item.name] !== undefined)
            this.result.truncated.push(item);
        }
        return;
      } catch (error) {
        if (attempt > 1 || !isErrorCode(error, 'INVALID_PARAMETER_VALUE')) throw error;
        const unsent = pending.params.filter((param) => mapping.sent.params[param.key] === undefined);
        if (unsent.length === 0) throw error;
        const reconciled = await this.reconcileParams(run, mapping, unsent);
        if (!reconciled) throw error;
        const sentMetrics = new Set(mapping.sent.metrics);
        pending = {
          params: unsent.filter((param) => mapping.sent.params[param.key] === undefined),
          tags: pending.tags.filter((tag) => mapping.sent.tags[tag.key] !== tag.value),
          metrics: pending.metrics.filter((metric) => !sentMetrics.has(identityOf(metric))),
        };
      }
    }
  }

  /** Records params MLflow already has; returns false when none of `params` is among them. */
  private async reconcileParams(
    run: SourceRun,
    mapping: MlflowRunMapping,
    params: LogBatchBody['params'],
  ): Promise<boolean> {
    const server = await this.client.getRun(mapping.runId);
    const logged = new Map((server.data.params ?? []).map((param) => [param.key, param.value]));
    let found = false;
    for (const param of params) {
      const value = logged.get(param.key);
      if (value === undefined) continue;
      found = true;
      mapping.sent.params[param.key] = value;
      if (value !== param.value)
        this.result.conflicts.push({ runKey: run.key, param: param.key, local: param.value, mlflow: value });
    }
    if (found) await this.save(run, mapping);
    return found;
  }

  private async markSent(run: SourceRun, mapping: MlflowRunMapping, chunk: LogBatchBody): Promise<void> {
    for (const param of chunk.params) mapping.sent.params[param.key] = param.value;
    for (const tag of chunk.tags) mapping.sent.tags[tag.key] = tag.value;
    for (const metric of chunk.metrics) mapping.sent.metrics.push(identityOf(metric));
    this.result.sent.params += chunk.params.length;
    this.result.sent.tags += chunk.tags.length;
    this.result.sent.metrics += chunk.metrics.length;
    this.result.sent.logBatchCalls++;
    await this.save(run, mapping);
  }

  /** Uploads through the server's artifact proxy; a server that does not proxy gets them reported as skipped. */
  private async uploadArtifacts(
    run: SourceRun,
    mapping: MlflowRunMapping,
    artifacts: SourceArtifact[],
  ): Promise<void> {
    if (artifacts.length === 0) return;
    if (mapping.artifactUri === undefined) {
      mapping.artifactUri = (await this.client.getRun(mapping.runId)).info.artifact_uri ?? '';
      await this.save(run, mapping);
    }
    const root = proxiedArtifactRoot(mapping.artifactUri);
    const notProxied = (artifact: SourceArtifact, why: string) =>
      this.result.skipped.push({
        runKey: run.key,
        kind: 'artifact',
        name: artifact.artifactPath,
        reason: why,
      });
    if (root === undefined) {
      const why = `the server does not proxy this run's artifacts (artifact_uri "${mapping.artifactUri}"); start it with \`mlflow server --serve-artifacts\` and a default artifact root of mlflow-artifacts:/`;
      for (const artifact of artifacts) notProxied(artifact, why);
      return;
    }
    for (const [index, artifact] of artifacts.entries()) {
      let bytes: Buffer;
      try {
        bytes = await readFile(artifact.localPath);
      } catch (error) {
        this.result.errors.push({
          runKey: run.key,
          message: `artifact ${artifact.artifactPath}: cannot read ${artifact.localPath} (${describe(error)})`,
        });
        continue;
      }
      if (sha256(bytes) !== artifact.sha256) {
        this.result.errors.push({
          runKey: run.key,
          message: `artifact ${artifact.artifactPath}: ${artifact.localPath} changed since the store recorded it (sha256 differs); not uploaded`,
        });
        continue;
      }
      try {
        await this.client.uploadArtifact({
          root,
          artifactPath: artifact.artifactPath,
          bytes,
          timeoutMs: this.options.artifactTimeoutMs ?? DEFAULT_ARTIFACT_TIMEOUT_MS,
        });
      } catch (error) {
        if (!isErrorCode(error, 'ARTIFACTS_NOT_SERVED')) throw error;
        for (const rest of artifacts.slice(index))
          notProxied(rest, `the server runs with --no-serve-artifacts: ${error.detail}`);
        return;
      }
      mapping.sent.artifacts[artifact.artifactPath] = artifact.sha256;
      await this.save(run, mapping);
      this.result.sent.artifacts++;
      this.result.sent.artifactBytes += bytes.length;
    }
  }

  private async save(run: SourceRun, mapping: MlflowRunMapping): Promise<void> {
    await this.source.setMapping(run.key, this.client.trackingUri, mapping);
  }
}

/**
 * A mapping for a run found in MLflow without one in the store: what the server holds counts as
 * sent. MLflow returns only each metric's latest point, so older points of a history may be sent
 * again; MLflow's SQL stores ignore exact duplicates.
 */
function mappingFromServer(run: MlflowRun): MlflowRunMapping {
  const sent: SentState = emptySentState();
  for (const param of run.data.params ?? []) sent.params[param.key] = param.value;
  for (const tag of run.data.tags ?? []) sent.tags[tag.key] = tag.value;
  for (const metric of run.data.metrics ?? []) sent.metrics.push(identityOf(metric));
  sent.status = run.info.status;
  sent.endTime = run.info.end_time;
  return {
    experimentId: run.info.experiment_id,
    runId: run.info.run_id,
    artifactUri: run.info.artifact_uri,
    sent,
  };
}

function identityOf(metric: MlflowMetric): string {
  return metricIdentity({ name: metric.key, step: metric.step, timestamp: metric.timestamp });
}

function toSyncError(error: unknown, run?: SourceRun): SyncError {
  const base = { runKey: run?.key, experiment: run?.experiment, message: describe(error) };
  return error instanceof MlflowError
    ? { ...base, errorCode: error.errorCode, status: error.status || undefined }
    : base;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
