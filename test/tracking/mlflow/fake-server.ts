import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';

/**
 * A stand-in MLflow tracking server on 127.0.0.1 for tests. It enforces the rules of the real
 * server (mlflow/server/handlers.py, mlflow/server/validation.py, mlflow/utils/validation.py and
 * the SQL store's param rule) closely enough that a client passing here passes there:
 *  - POST bodies must be application/json (400 INVALID_PARAMETER_VALUE otherwise, as MLflow does);
 *  - log-batch: at most 1000 metrics, 100 params, 100 tags, 1000 in all; valid names; no param
 *    named twice; param values <= 6000 and tag values <= 8000 characters; the batch is atomic;
 *  - a param logged again with another value: 400 INVALID_PARAMETER_VALUE; the same value is fine;
 *  - a missing experiment or run: 404 RESOURCE_DOES_NOT_EXIST;
 *  - experiments/list and any other unknown route: 404 with an HTML body (removed in MLflow 2);
 *  - artifacts: PUT/GET under /api/2.0/mlflow-artifacts/artifacts/..., or 503 in plain text when
 *    started without artifact serving;
 *  - basic or bearer auth when configured (401 with WWW-Authenticate otherwise).
 * Every request is recorded, and failures can be injected for retry tests.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** the parsed JSON body, when there was one */
  json?: unknown;
  bytes: Buffer;
  /** the status answered, or how the connection ended without an answer */
  outcome: number | 'destroyed' | 'answer-dropped';
}

export type Failure =
  /** answer with this status (and a JSON error body unless `body` is given) */
  | { kind: 'status'; status: number; body?: string; retryAfter?: string }
  /** close the connection without answering or processing */
  | { kind: 'destroy' }
  /** process the request, then close the connection without answering: the answer is "lost" */
  | { kind: 'drop-answer' }
  /** wait before processing and answering (for timeouts) */
  | { kind: 'delay'; ms: number };

export interface FakeServerOptions {
  auth?: { token: string } | { username: string; password: string };
  /** like `mlflow server --serve-artifacts` (default true) */
  serveArtifacts?: boolean;
}

export interface FakeRun {
  info: {
    run_id: string;
    run_uuid: string;
    run_name: string;
    experiment_id: string;
    user_id: string;
    status: string;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: 'active' | 'deleted';
  };
  params: Map<string, string>;
  tags: Map<string, string>;
  /** full history, in the order logged */
  metrics: { key: string; value: number; timestamp: number; step: number }[];
}

export interface FakeExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
  tags: { key: string; value: string }[];
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
const notFound = (message: string) => new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', message);

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts/';
const RUN_STATUSES = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
const LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  entities: 1000,
  key: 250,
  paramValue: 6000,
  tagValue: 8000,
};

type Handler = (body: Record<string, unknown>, query: Record<string, string>) => unknown;

export class FakeMlflowServer {
  readonly requests: RecordedRequest[] = [];
  readonly experiments = new Map<string, FakeExperiment>();
  readonly runs = new Map<string, FakeRun>();
  /** artifact path under the proxy root -> bytes */
  readonly artifacts = new Map<string, Buffer>();
  private readonly injections: { failure: Failure; remaining: number; match: (path: string) => boolean }[] =
    [];
  private readonly routes: Record<string, { method: 'GET' | 'POST'; handle: Handler }>;
  private nextExperimentId = 1;
  private readonly pendingDelays = new Set<() => void>();
  private server!: Server;

  private constructor(private readonly options: FakeServerOptions) {
    const now = Date.now();
    this.experiments.set('0', {
      experiment_id: '0',
      name: 'Default',
      artifact_location: 'mlflow-artifacts:/0',
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      tags: [],
    });
    this.routes = {
      [`${API}/experiments/get-by-name`]: {
        method: 'GET',
        handle: (_, query) => this.getExperimentByName(query),
      },
      [`${API}/experiments/get`]: { method: 'GET', handle: (_, query) => this.getExperiment(query) },
      [`${API}/experiments/create`]: { method: 'POST', handle: (body) => this.createExperiment(body) },
      [`${API}/experiments/search`]: { method: 'POST', handle: (body) => this.searchExperiments(body) },
      [`${API}/runs/create`]: { method: 'POST', handle: (body) => this.createRun(body) },
      [`${API}/runs/update`]: { method: 'POST', handle: (body) => this.updateRun(body) },
      [`${API}/runs/get`]: {
        method: 'GET',
        handle: (_, query) => ({ run: this.runView(this.requireRun(query.run_id)) }),
      },
      [`${API}/runs/search`]: { method: 'POST', handle: (body) => this.searchRuns(body) },
      [`${API}/runs/log-batch`]: { method: 'POST', handle: (body) => this.logBatch(body) },
      [`${API}/runs/set-tag`]: { method: 'POST', handle: (body) => this.setTag(body) },
    };
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeMlflowServer> {
    const fake = new FakeMlflowServer(options);
    fake.server = createServer((request, response) => {
      fake.handle(request, response).catch((error) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next `times` requests whose path contains `pathPart` (all requests when omitted) fail this way. */
  failNext(times: number, failure: Failure, pathPart?: string): void {
    this.injections.push({
      failure,
      remaining: times,
      match: (path) => pathPart === undefined || path.includes(pathPart),
    });
  }

  /** Recorded requests whose path ends with `endpoint` (e.g. '/runs/log-batch'). */
  requestsTo(endpoint: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.endsWith(endpoint));
  }

  deleteExperiment(id: string): void {
    const experiment = this.experiments.get(id);
    if (experiment) experiment.lifecycle_stage = 'deleted';
  }

  /** Removes a run for good, as `mlflow gc` does. */
  purgeRun(id: string): void {
    this.runs.delete(id);
  }

  experimentByName(name: string): FakeExperiment | undefined {
    return [...this.experiments.values()].find((experiment) => experiment.name === name);
  }

  runsIn(experimentId: string): FakeRun[] {
    return [...this.runs.values()].filter((run) => run.info.experiment_id === experimentId);
  }

  async close(): Promise<void> {
    // delayed requests must not keep the test process alive after the server is gone
    for (const cancel of this.pendingDelays) cancel();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const bytes = await readBody(request);
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      bytes,
      outcome: 0,
    };
    this.requests.push(recorded);

    const injection = this.injections.find(
      (candidate) => candidate.remaining > 0 && candidate.match(url.pathname),
    );
    if (injection) {
      injection.remaining--;
      const failure = injection.failure;
      if (failure.kind === 'destroy') {
        recorded.outcome = 'destroyed';
        request.socket.destroy();
        return;
      }
      if (failure.kind === 'status') {
        const headers: Record<string, string> = {
          'content-type': failure.body ? 'text/plain' : 'application/json',
        };
        if (failure.retryAfter) headers['retry-after'] = failure.retryAfter;
        const body =
          failure.body ??
          JSON.stringify({ error_code: codeFor(failure.status), message: 'injected failure' });
        this.answer(recorded, response, failure.status, body, headers);
        return;
      }
      if (failure.kind === 'delay') await this.delay(failure.ms);
      if (failure.kind === 'drop-answer') {
        if (this.authorized(request.headers.authorization)) this.route(recorded);
        recorded.outcome = 'answer-dropped';
        request.socket.destroy();
        return;
      }
    }

    if (!this.authorized(request.headers.authorization)) {
      this.answer(
        recorded,
        response,
        401,
        'You are not authenticated. Please see the MLflow auth docs on how to authenticate.',
        {
          'content-type': 'text/plain',
          'www-authenticate': 'Basic realm="mlflow"',
        },
      );
      return;
    }
    const { status, body, headers } = this.route(recorded);
    this.answer(recorded, response, status, body, headers);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pendingDelays.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pendingDelays.add(done);
    });
  }

  private answer(
    recorded: RecordedRequest,
    response: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string>,
  ): void {
    recorded.outcome = status;
    if (response.destroyed) return;
    response.writeHead(status, headers).end(body);
  }

  private authorized(header: string | undefined): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    if ('token' in auth) return header === `Bearer ${auth.token}`;
    return header === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  private route(recorded: RecordedRequest): {
    status: number;
    body: string;
    headers: Record<string, string>;
  } {
    const json = (status: number, value: unknown) => ({
      status,
      body: JSON.stringify(value),
      headers: { 'content-type': 'application/json' },
    });
    try {
      if (recorded.path.startsWith(ARTIFACTS)) return this.artifactRoute(recorded);
      const route = this.routes[recorded.path];
      if (!route) {
        return {
          status: 404,
          body: '<!doctype html><title>404 Not Found</title><h1>Not Found</h1>',
          headers: { 'content-type': 'text/html' },
        };
      }
      if (route.method !== recorded.method) {
        return {
          status: 405,
          body: '<!doctype html><title>405 Method Not Allowed</title>',
          headers: { 'content-type': 'text/html' },
        };
      }
      let body: Record<string, unknown> = {};
      if (recorded.method === 'POST') {
        const contentType = recorded.headers['content-type'];
        if (!contentType) throw invalid('Bad Request. Content-Type header is missing.');
        if (contentType.split(';')[0].trim() !== 'application/json') {
          throw invalid("Bad Request. Content-Type must be one of ['application/json'].");
        }
        try {
          body = JSON.parse(recorded.bytes.toString('utf8') || '{}');
        } catch {
          throw invalid('Malformed JSON body.');
        }
        recorded.json = body;
      }
      return json(200, route.handle(body, recorded.query) ?? {});
    } catch (error) {
      if (error instanceof ApiError)
        return json(error.status, { error_code: error.code, message: error.message });
      throw error;
    }
  }

  private artifactRoute(recorded: RecordedRequest): {
    status: number;
    body: string;
    headers: Record<string, string>;
  } {
    if (this.options.serveArtifacts === false) {
      return {
        status: 503,
        body: `Endpoint: ${ARTIFACTS}<path:artifact_path> disabled due to the mlflow server running with \`--no-serve-artifacts\`. To enable artifacts server functionality, run \`mlflow server\` with \`--serve-artifacts\``,
        headers: { 'content-type': 'text/plain' },
      };
    }
    const path = decodeURIComponent(recorded.path.slice(ARTIFACTS.length));
    if (path.split('/').some((part) => part === '..' || part === '.') || path.startsWith('/')) {
      throw invalid(`Invalid path: ${path}`);
    }
    if (recorded.method === 'PUT') {
      this.artifacts.set(path, recorded.bytes);
      return { status: 200, body: '{}', headers: { 'content-type': 'application/json' } };
    }
    const stored = this.artifacts.get(path);
    if (recorded.method !== 'GET' || !stored) throw notFound(`artifact ${path} not found`);
    return {
      status: 200,
      body: stored.toString('utf8'),
      headers: { 'content-type': 'application/octet-stream' },
    };
  }

  // ---- experiments -----------------------------------------------------------------------------

  private getExperimentByName(query: Record<string, string>): unknown {
    const name = query.experiment_name;
    if (!name) throw invalid("Missing value for required parameter 'experiment_name'.");
    const experiment = this.experimentByName(name);
    if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment };
  }

  private getExperiment(query: Record<string, string>): unknown {
    const experiment = this.experiments.get(query.experiment_id);
    if (!experiment) throw notFound(`No Experiment with id=${query.experiment_id} exists`);
    return { experiment };
  }

  private createExperiment(body: Record<string, unknown>): unknown {
    const name = body.name;
    if (typeof name !== 'string' || name === '')
      throw invalid("Missing value for required parameter 'name'.");
    const existing = this.experimentByName(name);
    if (existing) {
      const state = existing.lifecycle_stage === 'deleted' ? ' in deleted state' : '';
      throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists${state}.`);
    }
    const id = String(this.nextExperimentId++);
    const now = Date.now();
    this.experiments.set(id, {
      experiment_id: id,
      name,
      artifact_location:
        typeof body.artifact_location === 'string' ? body.artifact_location : `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      tags: Array.isArray(body.tags) ? (body.tags as FakeExperiment['tags']) : [],
    });
    return { experiment_id: id };
  }

  private searchExperiments(body: Record<string, unknown>): unknown {
    let experiments = [...this.experiments.values()].filter(
      (experiment) => experiment.lifecycle_stage === 'active',
    );
    if (typeof body.filter === 'string' && body.filter.trim() !== '') {
      const match = /^\s*name\s*=\s*'((?:[^']|'')*)'\s*$/.exec(body.filter);
      if (!match) throw invalid(`Unsupported filter in the fake server: ${body.filter}`);
      experiments = experiments.filter((experiment) => experiment.name === match[1].replaceAll("''", "'"));
    }
    return this.page(experiments, body, 'experiments');
  }

  // ---- runs -----------------------------------------------------------------------------------

  private createRun(body: Record<string, unknown>): unknown {
    const experimentId = String(body.experiment_id ?? '0');
    const experiment = this.experiments.get(experimentId);
    if (!experiment) throw notFound(`No Experiment with id=${experimentId} exists`);
    if (experiment.lifecycle_stage !== 'active') {
      throw invalid(
        `The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`,
      );
    }
    const tags = new Map<string, string>();
    for (const tag of (body.tags as { key: string; value: string }[] | undefined) ?? []) {
      this.checkKey(tag.key, 'tag');
      tags.set(tag.key, tag.value ?? '');
    }
    const id = randomUUID().replaceAll('-', '');
    const runName =
      typeof body.run_name === 'string' && body.run_name !== '' ? body.run_name : `run-${id.slice(0, 6)}`;
    tags.set('mlflow.runName', runName);
    const run: FakeRun = {
      info: {
        run_id: id,
        run_uuid: id,
        run_name: runName,
        experiment_id: experimentId,
        user_id: '',
        status: 'RUNNING',
        start_time: Number(body.start_time ?? Date.now()),
        artifact_uri: `${experiment.artifact_location}/${id}/artifacts`,
        lifecycle_stage: 'active',
      },
      params: new Map(),
      tags,
      metrics: [],
    };
    this.runs.set(id, run);
    return { run: this.runView(run) };
  }

  private updateRun(body: Record<string, unknown>): unknown {
    const run = this.requireRun(body.run_id);
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !RUN_STATUSES.has(body.status))
        throw invalid(`Invalid value ${JSON.stringify(body.status)} for parameter 'status' supplied.`);
      run.info.status = body.status;
    }
    if (body.end_time !== undefined) {
      if (!Number.isInteger(Number(body.end_time)))
        throw invalid("Invalid value for parameter 'end_time' supplied.");
      run.info.end_time = Number(body.end_time);
    }
    if (typeof body.run_name === 'string') run.info.run_name = body.run_name;
    return { run_info: run.info };
  }

  private searchRuns(body: Record<string, unknown>): unknown {
    const experimentIds = (body.experiment_ids as string[] | undefined) ?? [];
    let runs = [...this.runs.values()].filter(
      (run) => experimentIds.includes(run.info.experiment_id) && run.info.lifecycle_stage === 'active',
    );
    if (typeof body.filter === 'string' && body.filter.trim() !== '') {
      for (const clause of body.filter.split(/\s+AND\s+/i)) {
        const match =
          /^\s*(tags|attributes)\.(?:`([^`]+)`|"([^"]+)"|([\w.]+))\s*=\s*'((?:[^']|'')*)'\s*$/.exec(clause);
        if (!match) throw invalid(`Unsupported filter in the fake server: ${clause}`);
        const [, entity, quoted1, quoted2, bare, rawValue] = match;
        const key = quoted1 ?? quoted2 ?? bare;
        const value = rawValue.replaceAll("''", "'");
        runs = runs.filter(
          (run) =>
            (entity === 'tags' ? run.tags.get(key) : key === 'run_name' ? run.info.run_name : undefined) ===
            value,
        );
      }
    }
    return this.page(
      runs.map((run) => this.runView(run)),
      body,
      'runs',
    );
  }

  private logBatch(body: Record<string, unknown>): unknown {
    const run = this.requireRun(body.run_id);
    const metrics = arrayField(body, 'metrics');
    const params = arrayField(body, 'params');
    const tags = arrayField(body, 'tags');
    const limit = (what: string, max: number, count: number) => {
      if (count > max) {
        throw invalid(
          `A batch logging request can contain at most ${max} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
        );
      }
    };
    limit('metrics', LIMITS.metrics, metrics.length);
    limit('params', LIMITS.params, params.length);
    limit('tags', LIMITS.tags, tags.length);
    limit('metrics, params, and tags', LIMITS.entities, metrics.length + params.length + tags.length);

    // validate everything first: the SQL store's log_batch is one transaction
    const newMetrics = metrics.map((metric, index) => this.checkMetric(metric, index));
    const seen = new Set<string>();
    const newParams = params.map((param, index) => {
      const key = this.checkKey(param.key, `params[${index}].key`);
      if (seen.has(key)) throw invalid(`Duplicate parameter keys have been submitted: ['${key}'].`);
      seen.add(key);
      const value = String(param.value ?? '');
      if ([...value].length > LIMITS.paramValue)
        throw invalid(
          `'params[${index}].value' exceeds the maximum length of ${LIMITS.paramValue} characters`,
        );
      const logged = run.params.get(key);
      if (logged !== undefined && logged !== value) {
        throw invalid(
          `Changing param values is not allowed. Param with key='${key}' was already logged with value='${logged}' for run ID='${run.info.run_id}'. Attempted logging new value '${value}'.`,
        );
      }
      return { key, value };
    });
    const newTags = tags.map((tag, index) => {
      const key = this.checkKey(tag.key, `tags[${index}].key`);
      const value = String(tag.value ?? '');
      if ([...value].length > LIMITS.tagValue)
        throw invalid(`'tags[${index}].value' exceeds the maximum length of ${LIMITS.tagValue} characters`);
      return { key, value };
    });
    for (const param of newParams) run.params.set(param.key, param.value);
    for (const tag of newTags) run.tags.set(tag.key, tag.value);
    run.metrics.push(...newMetrics);
    return {};
  }

  private setTag(body: Record<string, unknown>): unknown {
    const run = this.requireRun(body.run_id);
    const key = this.checkKey(body.key, 'key');
    const value = String(body.value ?? '');
    if ([...value].length > LIMITS.tagValue)
      throw invalid(`'value' exceeds the maximum length of ${LIMITS.tagValue} characters`);
    run.tags.set(key, value);
    return {};
  }

  // ---- helpers --------------------------------------------------------------------------------

  private requireRun(id: unknown): FakeRun {
    if (typeof id !== 'string' || id === '') throw invalid("Missing value for required parameter 'run_id'.");
    const run = this.runs.get(id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    if (run.info.lifecycle_stage !== 'active')
      throw invalid(`The run ${id} must be in the 'active' state. Current state is deleted.`);
    return run;
  }

  private checkKey(key: unknown, path: string): string {
    if (typeof key !== 'string' || key === '')
      throw invalid(`Missing value for required parameter '${path}'.`);
    // the current server's rule (colons allowed outside Windows)
    if (!/^[/\p{L}\p{N}_.\- :]*$/u.test(key))
      throw invalid(`Invalid value "${key}" for parameter '${path}' supplied: bad characters`);
    const normalised = posix.normalize(key).replace(/(.)\/$/, '$1');
    if (normalised !== key || key.startsWith('..') || key.startsWith('/')) {
      throw invalid(
        `Invalid value "${key}" for parameter '${path}' supplied: the name would resolve to '${normalised}'`,
      );
    }
    if ([...key].length > LIMITS.key)
      throw invalid(`'${path}' exceeds the maximum length of ${LIMITS.key} characters`);
    return key;
  }

  private checkMetric(raw: Record<string, unknown>, index: number): FakeRun['metrics'][number] {
    const key = this.checkKey(raw.key, `metrics[${index}].key`);
    const value = raw.value;
    const number =
      typeof value === 'number'
        ? value
        : value === 'NaN'
          ? Number.NaN
          : value === 'Infinity'
            ? Number.POSITIVE_INFINITY
            : value === '-Infinity'
              ? Number.NEGATIVE_INFINITY
              : undefined;
    if (value === undefined || value === null)
      throw invalid(`Missing value for required parameter 'metrics[${index}].value'.`);
    if (number === undefined)
      throw invalid(
        `Invalid value ${JSON.stringify(value)} for parameter 'metrics[${index}].value' supplied.`,
      );
    const timestamp = Number(raw.timestamp);
    if (raw.timestamp === undefined || !Number.isInteger(timestamp) || timestamp < 0) {
      throw invalid(
        `Invalid value ${JSON.stringify(raw.timestamp)} for parameter 'metrics[${index}].timestamp' supplied.`,
      );
    }
    const step = raw.step === undefined ? 0 : Number(raw.step);
    if (!Number.isInteger(step))
      throw invalid(
        `Invalid value ${JSON.stringify(raw.step)} for parameter 'metrics[${index}].step' supplied.`,
      );
    return { key, value: number, timestamp, step };
  }

  /** A run as the API shows it: data.metrics holds only the latest point of each metric. */
  private runView(run: FakeRun): unknown {
    const latest = new Map<string, FakeRun['metrics'][number]>();
    for (const metric of run.metrics) {
      const current = latest.get(metric.key);
      if (
        !current ||
        metric.step > current.step ||
        (metric.step === current.step && metric.timestamp >= current.timestamp)
      ) {
        latest.set(metric.key, metric);
      }
    }
    // protobuf JSON spells non-finite doubles as strings
    const wire = (metric: FakeRun['metrics'][number]) => ({
      ...metric,
      value: Number.isFinite(metric.value)
        ? metric.value
        : Number.isNaN(metric.value)
          ? 'NaN'
          : metric.value > 0
            ? 'Infinity'
            : '-Infinity',
    });
    return {
      info: run.info,
      data: {
        metrics: [...latest.values()].map(wire),
        params: [...run.params].map(([key, value]) => ({ key, value })),
        tags: [...run.tags].map(([key, value]) => ({ key, value })),
      },
    };
  }

  private page<T>(items: T[], body: Record<string, unknown>, field: string): unknown {
    const max = Number(body.max_results ?? 1000);
    const offset =
      typeof body.page_token === 'string' && body.page_token !== ''
        ? Number(Buffer.from(body.page_token, 'base64').toString())
        : 0;
    const page = items.slice(offset, offset + max);
    const answer: Record<string, unknown> = {};
    if (page.length > 0) answer[field] = page;
    if (offset + max < items.length)
      answer.next_page_token = Buffer.from(String(offset + max)).toString('base64');
    return answer;
  }
}

function arrayField(body: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const value = body[name];
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalid(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied.`);
  return value as Record<string, unknown>[];
}

function codeFor(status: number): string {
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  if (status === 404) return 'RESOURCE_DOES_NOT_EXIST';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'INVALID_PARAMETER_VALUE';
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
