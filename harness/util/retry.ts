/**
 * The project's one retry helper (MLflow client, LLM engines): exponential backoff, capped, with
 * jitter, honouring a server's Retry-After; the caller says which failures are worth retrying.
 */

export interface BackoffPolicy {
  /** total tries including the first one */
  maxAttempts: number;
  /** delay before the first retry, before jitter */
  baseDelayMs: number;
  /** no single wait is longer than this, Retry-After included */
  maxDelayMs: number;
  /** [0, 1); injectable so tests are deterministic */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  random: Math.random,
};

/**
 * The wait after failed attempt number `attempt` (1-based). "Equal jitter": half the exponential
 * delay plus a random half, so clients that failed together do not retry together, yet each still
 * waits. A server's Retry-After wins when it is longer, within maxDelayMs.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, retryAfterSeconds?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + policy.random() * (exponential / 2);
  const requested = retryAfterSeconds === undefined ? 0 : retryAfterSeconds * 1000;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, requested)));
}

/** 429 and 5xx, except the two 5xx that say the request can never work (501, 505). */
export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** What the caller's classifier says about one failure. */
export interface FailureVerdict {
  /** worth sending again (network error, timeout, 429, 5xx) */
  transient: boolean;
  /** the server's Retry-After, in seconds */
  retryAfterSeconds?: number;
}

export interface RetryOptions {
  policy: BackoffPolicy;
  classify(error: unknown): FailureVerdict;
  /** aborts waits between tries (the wait rejects with the signal's reason) */
  signal?: AbortSignal;
  /** told before each wait; for progress lines and counters */
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

/**
 * Calls `attempt(n)` (n from 1) until it resolves, a failure is not transient, or the policy's
 * attempts are used up; then rethrows the last failure.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = Math.max(1, options.policy.maxAttempts);
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const verdict = options.classify(error);
      if (!verdict.transient || n >= maxAttempts) throw error;
      const delayMs = backoffDelayMs(options.policy, n, verdict.retryAfterSeconds);
      options.onRetry?.({ attempt: n, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
