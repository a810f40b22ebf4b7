import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF, sleep, withRetry } from '../../util/retry.ts';
import { authorizationHeader, type MlflowAuth } from './config.ts';
import { errorFromFailure, errorFromResponse, MlflowError } from './errors.ts';

/**
 * One MLflow HTTP request with auth, a per-request timeout and retries of transient failures
 * (network errors, timeouts, 429, 5xx). Other 4xx answers are thrown at once: sending the same
 * request again cannot fix them.
 */

export interface HttpOptions {
  trackingUri: string;
  auth?: MlflowAuth;
  /** per request, including reading the answer */
  timeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** stops everything (waits included) when it aborts: a caller's overall time budget */
  signal?: AbortSignal;
  /** called before each retry; for progress lines, never sees bodies or headers */
  onRetry?: (info: {
    method: string;
    endpoint: string;
    attempt: number;
    delayMs: number;
    error: MlflowError;
  }) => void;
  fetch?: typeof fetch;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT';
  /** the path after the tracking URI, starting with /api/2.0/ */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** sent as application/json */
  json?: unknown;
  /** sent as is (artifact uploads) */
  bytes?: Uint8Array;
  contentType?: string;
  /** false for requests that must not be repeated blindly (runs/create) */
  retry?: boolean;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class MlflowHttp {
  readonly trackingUri: string;
  private readonly options: HttpOptions;
  private readonly backoff: BackoffPolicy;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpOptions) {
    this.options = options;
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Sends the request, retrying transient failures; resolves with the parsed JSON answer ({} when empty). */
  async request<T>(spec: RequestSpec): Promise<T> {
    const policy = { ...this.backoff, maxAttempts: spec.retry === false ? 1 : this.maxAttempts };
    let attempts = 0;
    try {
      return (await withRetry(
        (attempt) => {
          attempts = attempt;
          return this.once(spec);
        },
        {
          policy,
          classify: (error) =>
            error instanceof MlflowError
              ? { transient: error.transient, retryAfterSeconds: error.retryAfterSeconds }
              : { transient: false },
          signal: this.options.signal,
          onRetry: ({ attempt, delayMs, error }) =>
            this.options.onRetry?.({
              method: spec.method,
              endpoint: spec.path,
              attempt,
              delayMs,
              error: error as MlflowError,
            }),
        },
      )) as T;
    } catch (error) {
      if (error instanceof MlflowError) {
        error.attempts = attempts;
        throw error;
      }
      // the wait between tries was aborted by the caller's signal
      if (this.options.signal?.aborted) throw errorFromFailure(spec.method, spec.path, error, 'aborted', 0);
      throw error;
    }
  }

  /** Total tries a retried request gets. */
  get maxAttempts(): number {
    return Math.max(1, this.backoff.maxAttempts);
  }

  /**
   * Waits the backoff delay after failed attempt `attempt`, for callers that retry on their own
   * (creating a run: look it up first, then create again). Throws ABORTED when the signal fires.
   */
  async pause(attempt: number, error: MlflowError): Promise<void> {
    await this.wait(
      backoffDelayMs(this.backoff, attempt, error.retryAfterSeconds),
      error.method ?? '',
      error.endpoint ?? '',
    );
  }

  private async wait(ms: number, method: string, endpoint: string): Promise<void> {
    try {
      await sleep(ms, this.options.signal);
    } catch (reason) {
      throw errorFromFailure(method, endpoint, reason, 'aborted', 0);
    }
  }

  private async once(spec: RequestSpec): Promise<unknown> {
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const outer = this.options.signal;
    if (outer?.aborted) throw errorFromFailure(spec.method, spec.path, outer.reason, 'aborted', timeoutMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.url(spec), {
        method: spec.method,
        headers: this.headers(spec),
        // (file bytes are never backed by a SharedArrayBuffer, which is all the cast rules out)
        body:
          spec.json !== undefined
            ? JSON.stringify(spec.json)
            : (spec.bytes as Uint8Array<ArrayBuffer> | undefined),
        signal,
      });
      // reading the body is under the same timeout: a server can stall mid-answer too
      text = await response.text();
    } catch (failure) {
      const reason = outer?.aborted ? 'aborted' : timeout.aborted ? 'timeout' : 'network';
      throw errorFromFailure(spec.method, spec.path, failure, reason, timeoutMs);
    }
    if (!response.ok)
      throw errorFromResponse(spec.method, spec.path, response.status, text, response.headers);
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new MlflowError({
        status: response.status,
        errorCode: 'BAD_REQUEST',
        message: `the answer is not JSON (is MLFLOW_TRACKING_URI the tracking server itself, not its UI behind a login page?): ${text.slice(0, 200)}`,
        method: spec.method,
        endpoint: spec.path,
      });
    }
  }

  private url(spec: RequestSpec): string {
    const url = new URL(`${this.trackingUri}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  private headers(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.json !== undefined) headers['content-type'] = 'application/json';
    else if (spec.bytes) headers['content-type'] = spec.contentType ?? 'application/octet-stream';
    if (this.options.auth) headers.authorization = authorizationHeader(this.options.auth);
    return headers;
  }
}
