/** Backoff for retrying transient MLflow errors: exponential, capped, with jitter. */

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
