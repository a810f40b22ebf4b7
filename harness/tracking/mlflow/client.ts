import { artifactEndpoint, contentTypeFor, invalidArtifactPathReason } from './artifacts.ts';
import { splitLogBatch, wireMetric } from './batch.ts';
import type { MlflowConfig } from './config.ts';
import { isErrorCode, MlflowError } from './errors.ts';
import { type HttpOptions, MlflowHttp } from './http.ts';
import {
  invalidKeyReason,
  invalidMetricReason,
  MLFLOW_LIMITS,
  type MlflowLimits,
  truncateValue,
} from './limits.ts';
import type {
  LogBatchBody,
  MlflowExperiment,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunStatus,
  MlflowTag,
  MlflowViewType,
} from './types.ts';

/**
 * A small typed client for the MLflow tracking server's REST API 2.0 (the endpoints skillbench's
 * mirror needs). POST bodies are JSON; GET arguments go in the query string, as MLflow expects.
 */

export interface MlflowClientOptions extends HttpOptions {
  limits?: Partial<MlflowLimits>;
}

export interface TruncatedValue {
  kind: 'param' | 'tag';
  key: string;
  /** length before, in code points */
  from: number;
  to: number;
}

export interface LogBatchReport {
  /** log-batch calls made */
  calls: number;
  truncated: TruncatedValue[];
}

const API = '/api/2.0/mlflow';

export class MlflowClient {
  readonly http: MlflowHttp;
  readonly limits: MlflowLimits;

  constructor(options: MlflowClientOptions) {
    this.http = new MlflowHttp(options);
    this.limits = { ...MLFLOW_LIMITS, ...options.limits };
  }

  static fromConfig(
    config: MlflowConfig,
    options: Omit<MlflowClientOptions, 'trackingUri' | 'auth'> = {},
  ): MlflowClient {
    return new MlflowClient({ ...options, trackingUri: config.trackingUri, auth: config.auth });
  }

  get trackingUri(): string {
    return this.http.trackingUri;
  }

  /** The experiment with this name (active or deleted), or undefined when there is none. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | undefined> {
    try {
      const answer = await this.http.request<{ experiment: MlflowExperiment }>({
        method: 'GET',
        path: `${API}/experiments/get-by-name`,
        query: { experiment_name: name },
      });
      return normaliseExperiment(answer.experiment);
    } catch (error) {
      if (isErrorCode(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }

  /** Creates an experiment and returns its id; RESOURCE_ALREADY_EXISTS when the name is taken. */
  async createExperiment(
    name: string,
    options: { artifactLocation?: string; tags?: MlflowTag[] } = {},
  ): Promise<string> {
    const answer = await this.http.request<{ experiment_id: string }>({
      method: 'POST',
      path: `${API}/experiments/create`,
      json: { name, artifact_location: options.artifactLocation, tags: options.tags },
    });
    return String(answer.experiment_id);
  }

  /** One page of experiments (experiments/list no longer exists in MLflow 2). */
  async searchExperiments(
    query: {
      filter?: string;
      maxResults?: number;
      orderBy?: string[];
      pageToken?: string;
      viewType?: MlflowViewType;
    } = {},
  ): Promise<{ experiments: MlflowExperiment[]; nextPageToken?: string }> {
    const answer = await this.http.request<{ experiments?: MlflowExperiment[]; next_page_token?: string }>({
      method: 'POST',
      path: `${API}/experiments/search`,
      json: {
        filter: query.filter,
        max_results: query.maxResults ?? 1000,
        order_by: query.orderBy,
        page_token: query.pageToken,
        view_type: query.viewType,
      },
    });
    return {
      experiments: (answer.experiments ?? []).map(normaliseExperiment),
      nextPageToken: answer.next_page_token || undefined,
    };
  }

  /**
   * Creates a run. Not retried by default: a retry after a lost answer could create a second run;
   * callers that can look the run up again (the sync searches by run key) retry themselves.
   */
  async createRun(
    run: { experimentId: string; runName?: string; startTime?: number; tags?: MlflowTag[] },
    options: { retry?: boolean } = {},
  ): Promise<MlflowRun> {
    const answer = await this.http.request<{ run: MlflowRun }>({
      method: 'POST',
      path: `${API}/runs/create`,
      json: {
        experiment_id: run.experimentId,
        run_name: run.runName,
        start_time: run.startTime,
        tags: run.tags,
      },
      retry: options.retry ?? false,
    });
    return normaliseRun(answer.run);
  }

  async updateRun(update: {
    runId: string;
    status?: MlflowRunStatus;
    endTime?: number;
    runName?: string;
  }): Promise<MlflowRunInfo> {
    const answer = await this.http.request<{ run_info: MlflowRunInfo }>({
      method: 'POST',
      path: `${API}/runs/update`,
      json: {
        run_id: update.runId,
        status: update.status,
        end_time: update.endTime,
        run_name: update.runName,
      },
    });
    return normaliseRunInfo(answer.run_info);
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const answer = await this.http.request<{ run: MlflowRun }>({
      method: 'GET',
      path: `${API}/runs/get`,
      query: { run_id: runId },
    });
    return normaliseRun(answer.run);
  }

  /** One page of runs. `filter` uses MLflow's search syntax, e.g. `tags.skillbench.run_key = 'abc'`. */
  async searchRuns(query: {
    experimentIds: string[];
    filter?: string;
    maxResults?: number;
    orderBy?: string[];
    pageToken?: string;
    runViewType?: MlflowViewType;
  }): Promise<{ runs: MlflowRun[]; nextPageToken?: string }> {
    const answer = await this.http.request<{ runs?: MlflowRun[]; next_page_token?: string }>({
      method: 'POST',
      path: `${API}/runs/search`,
      json: {
        experiment_ids: query.experimentIds,
        filter: query.filter,
        max_results: query.maxResults ?? 1000,
        order_by: query.orderBy,
        page_token: query.pageToken,
        run_view_type: query.runViewType,
      },
    });
    return {
      runs: (answer.runs ?? []).map(normaliseRun),
      nextPageToken: answer.next_page_token || undefined,
    };
  }

  /**
   * Logs metrics, params and tags in as many runs/log-batch calls as the server's limits need.
   * Names MLflow would refuse are rejected before anything is sent (CLIENT_VALIDATION); param and
   * tag values over the length limits are truncated and reported. `onChunkSent` hears about each
   * call that succeeded, so a caller can remember progress even when a later call fails.
   */
  async logBatch(
    runId: string,
    entities: Partial<LogBatchBody>,
    options: { onChunkSent?: (chunk: LogBatchBody) => void | Promise<void> } = {},
  ): Promise<LogBatchReport> {
    const { body, truncated } = this.prepareBatch(entities);
    const chunks = splitLogBatch(body, this.limits);
    for (const chunk of chunks) {
      await this.http.request({
        method: 'POST',
        path: `${API}/runs/log-batch`,
        json: {
          run_id: runId,
          metrics: chunk.metrics.map(wireMetric),
          params: chunk.params,
          tags: chunk.tags,
        },
      });
      await options.onChunkSent?.(chunk);
    }
    return { calls: chunks.length, truncated };
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    const problem = invalidKeyReason(key, this.limits);
    if (problem) throw validationError(`tag "${key}": ${problem}`, 'POST', `${API}/runs/set-tag`);
    await this.http.request({
      method: 'POST',
      path: `${API}/runs/set-tag`,
      json: { run_id: runId, key, value: truncateValue(value, this.limits.tagValueLength).value },
    });
  }

  /**
   * PUTs one file through the server's artifact proxy. `root` is the run's proxied artifact root
   * (see proxiedArtifactRoot), `artifactPath` the file's path under it.
   */
  async uploadArtifact(upload: {
    root: string;
    artifactPath: string;
    bytes: Uint8Array;
    contentType?: string;
    timeoutMs?: number;
  }): Promise<void> {
    const problem = invalidArtifactPathReason(upload.artifactPath);
    if (problem)
      throw validationError(
        `artifact "${upload.artifactPath}": ${problem}`,
        'PUT',
        '/api/2.0/mlflow-artifacts/artifacts',
      );
    await this.http.request({
      method: 'PUT',
      path: artifactEndpoint(upload.root, upload.artifactPath),
      bytes: upload.bytes,
      contentType: upload.contentType ?? contentTypeFor(upload.artifactPath),
      timeoutMs: upload.timeoutMs,
    });
  }

  /** Validates names and truncates values; throws before sending anything when a name is refused. */
  private prepareBatch(entities: Partial<LogBatchBody>): { body: LogBatchBody; truncated: TruncatedValue[] } {
    const problems: string[] = [];
    const truncated: TruncatedValue[] = [];
    const seenParams = new Set<string>();
    const cut = (kind: 'param' | 'tag', key: string, value: string, limit: number) => {
      const result = truncateValue(value, limit);
      if (result.truncatedFrom !== undefined)
        truncated.push({ kind, key, from: result.truncatedFrom, to: limit });
      return result.value;
    };
    const params = (entities.params ?? []).map((param) => {
      const problem = invalidKeyReason(param.key, this.limits);
      if (problem) problems.push(`param "${param.key}": ${problem}`);
      // MLflow refuses a batch that names a param twice, even with the same value
      if (seenParams.has(param.key)) problems.push(`param "${param.key}" appears twice`);
      seenParams.add(param.key);
      return {
        key: param.key,
        value: cut('param', param.key, String(param.value), this.limits.paramValueLength),
      };
    });
    const tags = (entities.tags ?? []).map((tag) => {
      const problem = invalidKeyReason(tag.key, this.limits);
      if (problem) problems.push(`tag "${tag.key}": ${problem}`);
      return { key: tag.key, value: cut('tag', tag.key, String(tag.value), this.limits.tagValueLength) };
    });
    const metrics = (entities.metrics ?? []).map((metric) => {
      const problem = invalidKeyReason(metric.key, this.limits) ?? invalidMetricReason(metric);
      if (problem) problems.push(`metric "${metric.key}": ${problem}`);
      return { key: metric.key, value: metric.value, timestamp: metric.timestamp, step: metric.step ?? 0 };
    });
    if (problems.length > 0) throw validationError(problems.join('; '));
    return { body: { metrics, params, tags }, truncated };
  }
}

function validationError(message: string, method = 'POST', endpoint = `${API}/runs/log-batch`): MlflowError {
  return new MlflowError({ status: 0, errorCode: 'CLIENT_VALIDATION', message, method, endpoint });
}

// The server omits empty fields and may send int64 values as strings: make the shapes dependable.

function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function normaliseExperiment(raw: MlflowExperiment): MlflowExperiment {
  return {
    ...raw,
    experiment_id: String(raw.experiment_id),
    creation_time: toNumber(raw.creation_time),
    last_update_time: toNumber(raw.last_update_time),
    tags: raw.tags ?? [],
  };
}

function normaliseRunInfo(raw: MlflowRunInfo): MlflowRunInfo {
  return {
    ...raw,
    run_id: String(raw.run_id ?? raw.run_uuid),
    experiment_id: String(raw.experiment_id),
    start_time: toNumber(raw.start_time),
    end_time: toNumber(raw.end_time),
  };
}

function normaliseRun(raw: MlflowRun): MlflowRun {
  const data = raw.data ?? {};
  return {
    info: normaliseRunInfo(raw.info),
    data: {
      params: data.params ?? [],
      tags: data.tags ?? [],
      metrics: (data.metrics ?? []).map((metric) => ({
        key: metric.key,
        value: Number(metric.value),
        timestamp: toNumber(metric.timestamp) ?? 0,
        step: toNumber(metric.step) ?? 0,
      })),
    },
  };
}
