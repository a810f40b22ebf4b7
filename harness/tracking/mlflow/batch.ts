import { MLFLOW_LIMITS, type MlflowLimits } from './limits.ts';
import type { LogBatchBody, MlflowMetric } from './types.ts';

/**
 * Splits metrics, params and tags into runs/log-batch calls the server accepts: at most 1000
 * metrics, 100 params, 100 tags and 1000 entities in all per call, and a JSON body under 1 MB.
 * Order is kept within each kind (params, then tags, then metrics are packed greedily), so a
 * metric's history reaches MLflow in the order it was logged.
 */
export function splitLogBatch(entities: LogBatchBody, limits: MlflowLimits = MLFLOW_LIMITS): LogBatchBody[] {
  const chunks: LogBatchBody[] = [];
  let chunk = emptyChunk();
  let bytes = ENVELOPE_BYTES;
  const place = (kind: keyof LogBatchBody, entity: unknown, size: number) => {
    const perKind =
      kind === 'metrics'
        ? limits.metricsPerBatch
        : kind === 'params'
          ? limits.paramsPerBatch
          : limits.tagsPerBatch;
    const total = chunk.metrics.length + chunk.params.length + chunk.tags.length;
    const full =
      chunk[kind].length >= perKind ||
      total >= limits.entitiesPerBatch ||
      (total > 0 && bytes + size > limits.batchBytes);
    if (full) {
      chunks.push(chunk);
      chunk = emptyChunk();
      bytes = ENVELOPE_BYTES;
    }
    (chunk[kind] as unknown[]).push(entity);
    bytes += size;
  };
  for (const param of entities.params) place('params', param, jsonBytes(param));
  for (const tag of entities.tags) place('tags', tag, jsonBytes(tag));
  for (const metric of entities.metrics) place('metrics', metric, jsonBytes(wireMetric(metric)));
  if (chunk.metrics.length + chunk.params.length + chunk.tags.length > 0) chunks.push(chunk);
  return chunks;
}

/** `{"run_id": "<32 hex>", "metrics": [], "params": [], "tags": []}` with room to spare */
const ENVELOPE_BYTES = 128;

function emptyChunk(): LogBatchBody {
  return { metrics: [], params: [], tags: [] };
}

function jsonBytes(value: unknown): number {
  // +1 for the comma between array items
  return Buffer.byteLength(JSON.stringify(value), 'utf8') + 1;
}

/**
 * A metric as MLflow's JSON wants it. JSON has no NaN or Infinity (JSON.stringify would send
 * null, which the server rejects as a missing value); protobuf's JSON mapping spells them as
 * the strings "NaN", "Infinity" and "-Infinity", which MLflow parses back to doubles.
 */
export function wireMetric(metric: MlflowMetric): {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
} {
  const value = Number.isFinite(metric.value)
    ? metric.value
    : Number.isNaN(metric.value)
      ? 'NaN'
      : metric.value > 0
        ? 'Infinity'
        : '-Infinity';
  return { key: metric.key, value, timestamp: metric.timestamp, step: metric.step };
}
