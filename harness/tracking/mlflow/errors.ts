import { isTransientStatus, parseRetryAfter } from '../../util/retry.ts';

/**
 * Errors from an MLflow tracking server, parsed from its JSON error body
 * (`{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}`), or made up here when the
 * request never got an answer. Messages never carry request bodies or credentials.
 */

import { safeText } from '../../util/safe-text.ts';

/** Codes the MLflow server sends (protos/databricks.proto), plus the ones this client makes up. */
export type MlflowErrorCode =
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_PARAMETER_VALUE'
  | 'INVALID_STATE'
  | 'BAD_REQUEST'
  | 'ENDPOINT_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'INTERNAL_ERROR'
  /** no HTTP answer: connection refused or reset, DNS failure */
  | 'NETWORK_ERROR'
  /** no answer within the per-request timeout */
  | 'TIMEOUT'
  /** the caller's signal stopped the request (a sync's overall time budget) */
  | 'ABORTED'
  /** refused before sending: a name or value MLflow would reject */
  | 'CLIENT_VALIDATION'
  /** a 503 saying the server was started with --no-serve-artifacts */
  | 'ARTIFACTS_NOT_SERVED'
  | (string & {});

export interface MlflowErrorInit {
  /** HTTP status; 0 when no response came back */
  status: number;
  errorCode: MlflowErrorCode;
  message: string;
  method?: string;
  endpoint?: string;
  /** worth retrying: network errors, timeouts, 429 and 5xx */
  transient?: boolean;
  /** seconds from a Retry-After header */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  readonly status: number;
  readonly errorCode: MlflowErrorCode;
  readonly method?: string;
  readonly endpoint?: string;
  readonly transient: boolean;
  readonly retryAfterSeconds?: number;
  /** the server's own message (or ours), without the method, endpoint and code prefix */
  readonly detail: string;
  /** how many times the request was sent before giving up */
  attempts = 1;

  constructor(init: MlflowErrorInit) {
    const where = init.method && init.endpoint ? `${init.method} ${init.endpoint}: ` : '';
    const status = init.status ? ` (HTTP ${init.status})` : '';
    // servers echo requests (headers included): their words are made safe before anyone sees them
    super(safeText(`${where}${init.errorCode}${status}: ${init.message}`), { cause: init.cause });
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.transient = init.transient ?? false;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.detail = safeText(init.message);
  }
}

/**
 * True for errors that mean the server cannot be reached or is not serving (no answer, a timeout,
 * 502/503/504 after every retry), as opposed to refusing one request: a sync stops there instead
 * of spending the same wait on every remaining run.
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof MlflowError)) return false;
  if (error.errorCode === 'NETWORK_ERROR' || error.errorCode === 'TIMEOUT' || error.errorCode === 'ABORTED')
    return true;
  return (
    error.errorCode !== 'ARTIFACTS_NOT_SERVED' &&
    (error.status === 502 || error.status === 503 || error.status === 504)
  );
}

export function isErrorCode(error: unknown, code: MlflowErrorCode): error is MlflowError {
  return error instanceof MlflowError && error.errorCode === code;
}

const MAX_MESSAGE_CHARS = 500;

/** Builds the error for a non-2xx answer. */
export function errorFromResponse(
  method: string,
  endpoint: string,
  status: number,
  bodyText: string,
  headers: Headers,
): MlflowError {
  const parsed = parseErrorBody(bodyText);
  const plain = bodyText.trim().slice(0, MAX_MESSAGE_CHARS);
  // The artifact proxy answers 503 in plain text when the server runs with --no-serve-artifacts:
  // a configuration problem, not an outage, so it is not retried.
  if (status === 503 && /--serve-artifacts|--no-serve-artifacts/.test(plain)) {
    return new MlflowError({ status, errorCode: 'ARTIFACTS_NOT_SERVED', message: plain, method, endpoint });
  }
  return new MlflowError({
    status,
    errorCode: parsed?.errorCode ?? codeForStatus(status),
    message: parsed?.message ?? (plain || `HTTP ${status} with an empty body`),
    method,
    endpoint,
    transient: isTransientStatus(status),
    retryAfterSeconds: parseRetryAfter(headers.get('retry-after')),
  });
}

function parseErrorBody(text: string): { errorCode: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (body && typeof body === 'object' && typeof body.error_code === 'string') {
      const message = typeof body.message === 'string' ? body.message : '';
      return { errorCode: body.error_code, message: message.slice(0, MAX_MESSAGE_CHARS * 4) };
    }
  } catch {
    // not JSON: Flask's HTML 404 page, an auth proxy's text, a load balancer's error page
  }
  return undefined;
}

/** The code MLflow would have used for a status, when the body carried none. */
function codeForStatus(status: number): MlflowErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'BAD_REQUEST';
}

/** Wraps a fetch rejection (connection refused, reset, timeout, abort). */
export function errorFromFailure(
  method: string,
  endpoint: string,
  failure: unknown,
  reason: 'timeout' | 'aborted' | 'network',
  timeoutMs: number,
): MlflowError {
  if (reason === 'timeout') {
    return new MlflowError({
      status: 0,
      errorCode: 'TIMEOUT',
      message: `no answer within ${timeoutMs} ms`,
      method,
      endpoint,
      transient: true,
      cause: failure,
    });
  }
  if (reason === 'aborted') {
    return new MlflowError({
      status: 0,
      errorCode: 'ABORTED',
      message: 'stopped: the time budget for talking to MLflow is spent',
      method,
      endpoint,
      cause: failure,
    });
  }
  return new MlflowError({
    status: 0,
    errorCode: 'NETWORK_ERROR',
    message: describeNetworkFailure(failure),
    method,
    endpoint,
    transient: true,
    cause: failure,
  });
}

function describeNetworkFailure(failure: unknown): string {
  // fetch rejects with TypeError("fetch failed"); the useful part (ECONNREFUSED ...) is in `cause`
  const cause = (failure as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return failure instanceof Error ? failure.message : String(failure);
}
