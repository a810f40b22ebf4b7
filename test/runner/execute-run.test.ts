import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import { loadMethods } from '../../harness/methods/registry.ts';
import { executeRun } from '../../harness/runner/execute-run.ts';
import { methods } from '../fixtures/plugins/test-methods.ts';
import { makeSpec, registerOnce, runnerSetup as setup } from '../helpers/runner.ts';

registerBuiltinMethods();
registerOnce(methods);
await loadMethods(['lexicon', 'import']);

test('a run trains, predicts dev and test, scores every protocol and records it all', async (t) => {
  const { store, options } = setup(t);
  const spec = makeSpec('lexicon', {}, 'key-lexicon');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'finished', outcome.message);
  const metrics = store.summaryMetrics(outcome.run.id);
  for (const name of [
    'test.nervaluate.overall.f1',
    'test.nereval.overall.f1',
    'test.set.SKILL.f1',
    'dev.set.tech.precision',
    'test.set.overall.macro_f1',
  ]) {
    t.true(Number.isFinite(metrics[name]), name);
  }
  t.true(metrics['test.nervaluate.overall.f1'] > 0.05, 'the lexicon finds some spans');
  t.is(store.predictions(outcome.run.id, 'test').length, 150);
  t.deepEqual(
    store.artifacts(outcome.run.id).map((a) => a.name),
    ['predictions/dev.jsonl', 'predictions/test.jsonl', 'scores/dev.json', 'scores/test.json'],
  );
  t.truthy(outcome.run.environment?.node);
  t.true(
    store.metricHistory(outcome.run.id, 'tune.SKILL.dev_f1').length > 1,
    'the threshold curve is recorded',
  );
});

test('a finished run is reused, not redone; --force redoes it', async (t) => {
  const { dir, store, options } = setup(t);
  const calls = join(dir, 'calls.txt');
  const spec = makeSpec('test-oracle', { calls_file: calls }, 'key-oracle');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  t.is((await executeRun(spec, options())).status, 'finished');
  const predicted = readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
  t.is(predicted, 120 + 150);
  const again = await executeRun(spec, options());
  t.true(again.cached);
  t.is(readFileSync(calls, 'utf8').split('\n').filter(Boolean).length, predicted);
  const forced = await executeRun(spec, { ...options(), force: true });
  t.false(forced.cached);
  t.is(readFileSync(calls, 'utf8').split('\n').filter(Boolean).length, 2 * predicted);
});

test('an oracle scores 1.0 in every protocol', async (t) => {
  const { store, options } = setup(t);
  const spec = makeSpec('test-oracle', {}, 'key-perfect');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  const metrics = store.summaryMetrics(outcome.run.id);
  t.is(metrics['test.nervaluate.overall.f1'], 1);
  t.is(metrics['test.set.overall.f1'], 1);
});

test('an interrupted run resumes without predicting a sentence twice', async (t) => {
  const { dir, store, options } = setup(t);
  const calls = join(dir, 'calls.txt');
  const spec = makeSpec(
    'test-oracle',
    { calls_file: calls, delay_ms: 1, drop_every: 3, epochs: 3 },
    'key-resume',
  );
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const controller = new AbortController();
  const first = executeRun(spec, options(controller.signal));
  // stop once some test sentences are done
  while (!readFileSync(calls, { encoding: 'utf8', flag: 'a+' }).includes('test test:10\n')) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  controller.abort();
  t.is((await first).status, 'interrupted');
  const resumed = await executeRun(spec, options());
  t.is(resumed.status, 'finished');
  const lines = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
  t.is(new Set(lines).size, lines.length, 'no sentence or epoch twice');
  t.is(lines.filter((l) => l.startsWith('test ')).length, 150);
  t.is(lines.filter((l) => l.startsWith('train ')).length, 3);

  // identical to an uninterrupted run of the same spec
  const { store: other, options: otherOptions } = setup(t);
  other.upsertExperiment({ name: spec.experiment, method: spec.method });
  const clean = await executeRun(
    { ...spec, params: { ...spec.params, calls_file: undefined } },
    otherOptions(),
  );
  t.deepEqual(store.summaryMetrics(resumed.run.id), other.summaryMetrics(clean.run.id));
});

test('a failing method is recorded as failed with its error and stack', async (t) => {
  const { store, options } = setup(t);
  const spec = makeSpec('test-failing', {}, 'key-fail');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'failed');
  t.is(outcome.run.error?.message, 'this method always fails');
  t.regex(outcome.run.error?.stack ?? '', /test-methods\.ts/);
});

test('a method that cannot run here is skipped with its reason', async (t) => {
  const { store, options } = setup(t);
  const spec = makeSpec('test-needs-weights', {}, 'key-skip');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'skipped');
  t.regex(outcome.run.skipReason ?? '', /no weights at/);
});
