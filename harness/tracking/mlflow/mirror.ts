import { describeError } from '../../util/errors.ts';
import { MlflowClient } from './client.ts';
import { readMlflowConfig } from './config.ts';
import { isUnreachable } from './errors.ts';
import type { MlflowSource } from './source.ts';
import { type SyncResult, syncToMlflow } from './sync.ts';

/**
 * What the runner calls after each run: mirror that one run when MLFLOW_TRACKING_URI is set.
 * It never throws and never waits long: MLflow being down, slow or misconfigured must not fail or
 * block a local run (the store keeps everything; `skillbench mlflow sync` catches up later).
 */

export interface MirrorOptions {
  env?: Record<string, string | undefined>;
  /** the whole mirror of the run, retries and uploads included */
  timeoutMs?: number;
  /** each request (default: the smaller of 5 s and timeoutMs) */
  requestTimeoutMs?: number;
  /** tries per request, the first included (default 3) */
  maxAttempts?: number;
  /** where a failure is reported (one line); stderr by default */
  log?: (line: string) => void;
}

export type MirrorOutcome =
  | { state: 'off' }
  | { state: 'mirrored'; result: SyncResult }
  | {
      state: 'failed';
      message: string;
      result?: SyncResult;
      /** the server did not answer (or not in time): trying other runs now would wait the same */
      unreachable: boolean;
    };

export const DEFAULT_MIRROR_TIMEOUT_MS = 15_000;

export async function mirrorRunIfConfigured(
  source: MlflowSource,
  runKey: string,
  options: MirrorOptions = {},
): Promise<MirrorOutcome> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? DEFAULT_MIRROR_TIMEOUT_MS;
  const fail = (
    message: string,
    result?: SyncResult,
    unreachable = result?.unreachable ?? false,
  ): MirrorOutcome => {
    log(`skillbench: MLflow mirror of run ${runKey} failed (the local run is unaffected): ${message}`);
    return { state: 'failed', message, result, unreachable };
  };

  let config: ReturnType<typeof readMlflowConfig>;
  try {
    config = readMlflowConfig(options.env ?? process.env);
  } catch (error) {
    return fail(describeError(error));
  }
  if (!config) return { state: 'off' };

  const budget = new AbortController();
  const budgetTimer = setTimeout(
    () => budget.abort(new Error(`the ${timeoutMs} ms MLflow budget is spent`)),
    timeoutMs,
  );
  let backstopTimer: NodeJS.Timeout | undefined;
  try {
    const client = MlflowClient.fromConfig(config, {
      signal: budget.signal,
      timeoutMs: Math.min(options.requestTimeoutMs ?? 5000, timeoutMs),
      backoff: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 200, maxDelayMs: 2000 },
    });
    const sync = syncToMlflow(source, client, { runKey, artifactTimeoutMs: timeoutMs });
    // a backstop for anything that ignores the abort signal (a store call that hangs)
    const backstop = new Promise<undefined>((resolve) => {
      backstopTimer = setTimeout(() => resolve(undefined), timeoutMs + 1000);
      backstopTimer.unref();
    });
    const result = await Promise.race([sync, backstop]);
    if (!result) return fail(`no result within ${timeoutMs} ms`, undefined, true);
    if (!result.ok) return fail(result.errors.map((error) => error.message).join('; '), result);
    for (const conflict of result.conflicts) {
      log(
        `skillbench: MLflow keeps param ${conflict.param}="${conflict.mlflow}" for run ${runKey}; the store's "${conflict.local}" was not sent (MLflow params cannot change)`,
      );
    }
    return { state: 'mirrored', result };
  } catch (error) {
    return fail(describeError(error), undefined, isUnreachable(error));
  } finally {
    clearTimeout(budgetTimer);
    clearTimeout(backstopTimer);
  }
}
