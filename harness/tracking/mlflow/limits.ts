/**
 * What an MLflow tracking server accepts, checked here so a bad name is reported for that one item
 * instead of failing a whole log-batch call. Values from mlflow/utils/validation.py:
 *   MAX_METRICS_PER_BATCH = 1000, MAX_PARAMS_TAGS_PER_BATCH = 100, MAX_ENTITIES_PER_BATCH = 1000,
 *   MAX_BATCH_LOG_REQUEST_SIZE = 1e6 bytes, MAX_ENTITY_KEY_LENGTH = 250 (metric, param, tag keys),
 *   MAX_PARAM_VAL_LENGTH = 6000 (since MLflow 2.8; 500 in 1.28-2.7),
 *   MAX_TAG_VAL_LENGTH = 8000 in current MLflow, 5000 in older releases and in the REST docs'
 *   guarantee, so tags are cut at 5000 to work everywhere.
 * Lengths count Unicode code points, as Python's len() does.
 */

export interface MlflowLimits {
  metricsPerBatch: number;
  paramsPerBatch: number;
  tagsPerBatch: number;
  entitiesPerBatch: number;
  /** JSON body bytes per log-batch call */
  batchBytes: number;
  keyLength: number;
  paramValueLength: number;
  tagValueLength: number;
}

export const MLFLOW_LIMITS: MlflowLimits = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  batchBytes: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 5000,
};

/**
 * MLflow's name rule for metrics, params and tags: alphanumerics, underscore, dash, period, space
 * and slash (newer servers also allow a colon outside Windows; it is refused here so names work
 * on every server). `\p{L}\p{N}` stands for Python's Unicode-aware `\w`.
 */
const NAME_CHARACTERS = /^[\p{L}\p{N}_\-. /]*$/u;

/** Why MLflow would refuse this metric, param or tag name; undefined when it is fine. */
export function invalidKeyReason(key: string, limits: MlflowLimits = MLFLOW_LIMITS): string | undefined {
  if (key === '') return 'the name is empty';
  if (!NAME_CHARACTERS.test(key)) {
    return 'names may only contain alphanumerics, underscores, dashes, periods, spaces and slashes';
  }
  // MLflow treats names as file paths: they must not normalise to another path (posixpath.normpath)
  if (
    key.startsWith('/') ||
    key.startsWith('..') ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    return 'the name would resolve to another path (leading slash, "..", "." or an empty segment)';
  }
  const length = codePointLength(key);
  if (length > limits.keyLength)
    return `the name has ${length} characters; MLflow allows ${limits.keyLength}`;
  return undefined;
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Cuts a value to at most `limit` code points (never in the middle of a surrogate pair). */
export function truncateValue(value: string, limit: number): { value: string; truncatedFrom?: number } {
  if (value.length <= limit) return { value };
  const length = codePointLength(value);
  if (length <= limit) return { value };
  let kept = '';
  let count = 0;
  for (const char of value) {
    if (count === limit) break;
    kept += char;
    count++;
  }
  return { value: kept, truncatedFrom: length };
}

/** Why MLflow would refuse this metric point; undefined when it is fine. */
export function invalidMetricReason(point: {
  value: number;
  step: number;
  timestamp: number;
}): string | undefined {
  if (typeof point.value !== 'number') return 'the value is not a number';
  if (!Number.isSafeInteger(point.timestamp) || point.timestamp < 0) {
    return `the timestamp ${point.timestamp} is not a non-negative integer (ms)`;
  }
  if (!Number.isSafeInteger(point.step)) return `the step ${point.step} is not an integer`;
  return undefined;
}
