import type { SyncResult } from './sync.ts';

/** A sync result as the lines `skillbench mlflow sync` prints. */
export function formatSyncSummary(result: SyncResult): string[] {
  const { sent } = result;
  const lines = [`MLflow sync to ${result.trackingUri} (${(result.durationMs / 1000).toFixed(1)} s)`];
  lines.push(
    `  runs: ${result.runsSeen} in the store, ${result.runsCreated} created in MLflow, ${result.runsAdopted} found there by run key, ${result.runsUpToDate} already up to date`,
  );
  if (result.experimentsCreated.length > 0) {
    lines.push(`  experiments created: ${result.experimentsCreated.join(', ')}`);
  }
  lines.push(
    `  sent: ${sent.params} params, ${sent.tags} tags, ${sent.metrics} metric points (${sent.logBatchCalls} log-batch calls), ` +
      `${sent.artifacts} artifacts (${formatBytes(sent.artifactBytes)}), ${sent.statusUpdates} status updates`,
  );
  if (result.truncated.length > 0) {
    lines.push(`  truncated (${result.truncated.length}):`);
    for (const item of result.truncated) {
      lines.push(`    run ${item.runKey} ${item.kind} ${item.name}: ${item.from} -> ${item.to} characters`);
    }
  }
  if (result.conflicts.length > 0) {
    lines.push(
      `  param conflicts (${result.conflicts.length}; MLflow params cannot change, so these were not sent):`,
    );
    for (const conflict of result.conflicts) {
      lines.push(
        `    run ${conflict.runKey} param ${conflict.param}: store "${conflict.local}", MLflow "${conflict.mlflow}"`,
      );
    }
  }
  if (result.skipped.length > 0) {
    lines.push(`  skipped (${result.skipped.length}):`);
    for (const item of result.skipped)
      lines.push(`    run ${item.runKey} ${item.kind} ${item.name}: ${item.reason}`);
  }
  if (result.errors.length > 0) {
    lines.push(`  errors (${result.errors.length}):`);
    for (const error of result.errors)
      lines.push(`    ${error.runKey ? `run ${error.runKey}: ` : ''}${error.message}`);
  }
  return lines;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
