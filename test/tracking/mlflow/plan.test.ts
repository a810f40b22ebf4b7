import test from 'ava';
import { MLFLOW_LIMITS } from '../../../harness/tracking/mlflow/limits.ts';
import { planIsEmpty, planRunSync } from '../../../harness/tracking/mlflow/plan.ts';
import { emptySentState, metricIdentity } from '../../../harness/tracking/mlflow/source.ts';
import { sampleRun } from './helpers.ts';

test('a new run plans everything, with MLflow statuses and the mirror tags', (t) => {
  const plan = planRunSync(sampleRun({ status: 'skipped' }), emptySentState(), MLFLOW_LIMITS);
  t.is(plan.params.length, 3);
  t.is(plan.metrics.length, 4);
  t.deepEqual(plan.tags.map((tag) => tag.key).sort(), [
    'mlflow.source.git.commit',
    'skillbench.method',
    'skillbench.run_key',
    'skillbench.seed',
    'skillbench.status',
  ]);
  t.deepEqual(plan.statusUpdate, { status: 'KILLED', endTime: Date.parse('2025-01-02T10:05:00.000Z') });
  t.is(
    plan.metrics.find((metric) => metric.key === 'test.nervaluate.overall.f1')?.step,
    0,
    'final numbers go at step 0',
  );
});

test('what was sent is not planned again; a changed param is a conflict; a changed tag is sent', (t) => {
  const run = sampleRun();
  const sent = emptySentState();
  sent.params = { min_frequency: '5', case_fold: 'true', 'optimizer.lr': '0.001' };
  sent.tags = { 'skillbench.method': 'old' };
  sent.metrics = run.metrics.map(metricIdentity);
  sent.status = 'FINISHED';
  sent.endTime = Date.parse(run.finishedAt!);
  const plan = planRunSync(run, sent, MLFLOW_LIMITS);
  t.deepEqual(plan.params, []);
  t.deepEqual(plan.conflicts, [{ runKey: run.key, param: 'min_frequency', local: '2', mlflow: '5' }]);
  t.true(plan.tags.some((tag) => tag.key === 'skillbench.method' && tag.value === 'lexicon'));
  t.deepEqual(plan.metrics, []);
  t.is(plan.statusUpdate, undefined);
});

test('a fully mirrored run plans nothing', (t) => {
  const run = sampleRun();
  const first = planRunSync(run, emptySentState(), MLFLOW_LIMITS);
  const sent = emptySentState();
  for (const param of first.params) sent.params[param.key] = param.value;
  for (const tag of first.tags) sent.tags[tag.key] = tag.value;
  sent.metrics = run.metrics.map(metricIdentity);
  sent.status = first.statusUpdate?.status;
  sent.endTime = first.statusUpdate?.endTime;
  t.true(planIsEmpty(planRunSync(run, sent, MLFLOW_LIMITS)));
});

test('the same metric point twice in the store is planned once', (t) => {
  const point = { name: 'm', value: 1, step: 3, timestamp: 9 };
  t.is(
    planRunSync(sampleRun({ metrics: [point, { ...point }] }), emptySentState(), MLFLOW_LIMITS).metrics
      .length,
    1,
  );
});
