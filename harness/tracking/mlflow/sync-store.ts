import { MlflowClient } from './client.ts';
import { MlflowConfigError, readMlflowConfig } from './config.ts';
import { type OpenedMlflowSource, openMlflowSource } from './open-source.ts';
import { formatSyncSummary } from './summary.ts';
import { type SyncResult, syncToMlflow } from './sync.ts';

/** What `skillbench mlflow sync` does: mirror the store (or one experiment of it) and print a summary. */

export interface SyncStoreRequest {
  storePath: string;
  experiment?: string;
}

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
  const client = MlflowClient.fromConfig(config, {
    onRetry: ({ method, endpoint, attempt, delayMs, error }) =>
      write(
        `  retrying ${method} ${endpoint} in ${delayMs} ms (attempt ${attempt} failed: ${error.errorCode})`,
      ),
  });
  const source = (deps.openSource ?? openMlflowSource)(request.storePath);
  try {
    const result = await syncToMlflow(source, client, { experiment: request.experiment });
    for (const line of formatSyncSummary(result)) write(line);
    return result;
  } finally {
    source.close();
  }
}
