import test from 'ava';
import { splitLogBatch } from '../../../harness/tracking/mlflow/batch.ts';
import { MLFLOW_LIMITS } from '../../../harness/tracking/mlflow/limits.ts';

test('splitting keeps every entity once and in order', (t) => {
  const metrics = Array.from({ length: 2345 }, (_, i) => ({ key: 'm', value: i, step: i, timestamp: i }));
  const params = Array.from({ length: 230 }, (_, i) => ({ key: `p${i}`, value: '' }));
  const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: '' }));
  const chunks = splitLogBatch({ metrics, params, tags });
  t.deepEqual(
    chunks.flatMap((chunk) => chunk.metrics),
    metrics,
  );
  t.deepEqual(
    chunks.flatMap((chunk) => chunk.params),
    params,
  );
  t.deepEqual(
    chunks.flatMap((chunk) => chunk.tags),
    tags,
  );
  for (const chunk of chunks) {
    t.true(chunk.metrics.length <= MLFLOW_LIMITS.metricsPerBatch);
    t.true(chunk.params.length <= MLFLOW_LIMITS.paramsPerBatch);
    t.true(chunk.tags.length <= MLFLOW_LIMITS.tagsPerBatch);
    t.true(chunk.metrics.length + chunk.params.length + chunk.tags.length <= MLFLOW_LIMITS.entitiesPerBatch);
  }
  t.deepEqual(splitLogBatch({ metrics: [], params: [], tags: [] }), []);
});
