import { describeError } from '../../util/errors.ts';
import { MlflowClient } from './client.ts';
import { MlflowConfigError, readMlflowConfig } from './config.ts';
import { type OpenedMlflowSource, openMlflowSource } from './open-source.ts';
import { formatSyncSummary } from './summary.ts';
import { type SyncResult, syncToMlflow } from './sync.ts';

/** What `skillbench mlflow sync` does: mirror the store (or one experiment of it) and print a summary. */

export interface SyncStoreRequest {
  storePath: string;
  experiment?: string;
  /** the whole sync, retries and uploads included (ms); default DEFAULT_SYNC_DEADLINE_S */
  deadlineMs?: number;
}

/** A hung server ends a sync after this long at the latest; a later sync goes on from there. */
export const DEFAULT_SYNC_DEADLINE_S = 300;
/** Each request of a sync (ms): a server that does not answer within it is retried, then given up. */
export const SYNC_REQUEST_TIMEOUT_MS = 10_000;

export interface SyncStoreDeps {
  env?: Record<string, string | undefined>;
  openSource?: (storePath: string) => OpenedMlflowSource;
  /** one line of output */
  write?: (line: string) => void;
}

export async function syncStoreToMlflow(
  request: SyncStoreRequest,
  deps: SyncStoreDeps = {},
): Promise<SyncResult> {
  const write = deps.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const config = readMlflowConfig(deps.env ?? process.env);
  if (!config) {
    throw new MlflowConfigError(
      'MLFLOW_TRACKING_URI is not set: point it at an MLflow tracking server, e.g. MLFLOW_TRACKING_URI=http://127.0.0.1:5000 (see docs/mlflow.md)',
    );
  }
  const deadlineMs = request.deadlineMs ?? DEFAULT_SYNC_DEADLINE_S * 1000;
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new Error(`the ${deadlineMs / 1000} s deadline of this sync passed (--timeout)`)),
    deadlineMs,
  );
  const client = MlflowClient.fromConfig(config, {
    signal: deadline.signal,
    timeoutMs: Math.min(SYNC_REQUEST_TIMEOUT_MS, deadlineMs),
    onRetry: ({ method, endpoint, attempt, delayMs, error }) =>
      write(
        `  retrying ${method} ${endpoint} in ${delayMs} ms (attempt ${attempt} failed: ${error.errorCode})`,
      ),
  });
  let source: OpenedMlflowSource | undefined;
  try {
    source = (deps.openSource ?? openMlflowSource)(request.storePath);
    const result = await syncToMlflow(source, client, {
      experiment: request.experiment,
      artifactTimeoutMs: deadlineMs,
    });
    for (const line of formatSyncSummary(result)) write(line);
    if (deadline.signal.aborted)
      write(`  stopped: ${describeError(deadline.signal.reason)}; run it again to send the rest`);
    return result;
  } finally {
    clearTimeout(timer);
    source?.close();
  }
}
