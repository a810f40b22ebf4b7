import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { importMethod } from '../../baselines/import/method.ts';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { loadMethods } from '../../harness/methods/registry.ts';
import { writeSpanJsonl } from '../../harness/predictions/write.ts';
import { executeRun } from '../../harness/runner/execute-run.ts';
import { makeSpec, runnerSetup } from '../helpers/runner.ts';

registerBuiltinMethods();
await loadMethods(['import']);

const DEV = 60;
const TEST = 80;
const gold = (split: 'dev' | 'test', count: number) =>
  loadDataset(`skillspan:${split}`).sentences.slice(0, count);

/** The gold spans with every other span dropped, as span JSONL with each sentence's idx. */
function writePredictions(path: string, sentences: Sentence[]): void {
  writeSpanJsonl(
    path,
    sentences.map((s) => ({ id: s.id, spans: s.spans.filter((_, i) => i % 2 === 0) })),
    sentences,
  );
}

/** An import run whose experiment file sits in `dir` (the params' paths are relative to it). */
function importSpec(dir: string, params: Record<string, unknown>, key: string, dev: number | null = DEV) {
  return makeSpec('import', params, key, { dev, test: TEST }, join(dir, 'experiment.yaml'));
}

test('with dev and test files: both splits are imported and scored', async (t) => {
  const { dir, store, options } = runnerSetup(t);
  writePredictions(join(dir, 'dev.jsonl'), gold('dev', DEV));
  writePredictions(join(dir, 'test.jsonl'), gold('test', TEST));
  const spec = importSpec(dir, { dev: 'dev.jsonl', test: 'test.jsonl' }, 'both');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'finished', outcome.message);
  const metrics = store.summaryMetrics(outcome.run.id);
  t.is(metrics['test.set.overall.precision'], 1);
  t.true(metrics['test.set.overall.recall'] < 1);
  t.is(metrics['dev.set.overall.precision'], 1);
  t.is(store.predictions(outcome.run.id, 'dev').length, DEV);
});

test('without a dev file: only test is predicted, although the experiment has a dev split', async (t) => {
  const { dir, store, options } = runnerSetup(t);
  writePredictions(join(dir, 'test.jsonl'), gold('test', TEST));
  const spec = importSpec(dir, { test: 'test.jsonl' }, 'test-only');
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'finished', outcome.message);
  const names = Object.keys(store.summaryMetrics(outcome.run.id));
  t.true(names.includes('test.nervaluate.overall.f1'));
  t.false(names.some((name) => name.startsWith('dev.')));
  t.deepEqual(
    store.artifacts(outcome.run.id).map((a) => a.name),
    ['predictions/test.jsonl', 'scores/test.json'],
  );
});

test('a file for another sentence order fails the run at the line that disagrees', async (t) => {
  const { dir, store, options } = runnerSetup(t);
  const sentences = gold('test', TEST);
  // two sentences of different documents swapped: their idx no longer matches the gold
  const swapAt = sentences.findIndex((s, i) => i > 0 && s.docId !== sentences[i - 1].docId);
  const swapped = [...sentences];
  [swapped[swapAt - 1], swapped[swapAt]] = [swapped[swapAt], swapped[swapAt - 1]];
  writePredictions(join(dir, 'test.jsonl'), swapped);
  const spec = importSpec(dir, { test: 'test.jsonl' }, 'swapped', null);
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'failed');
  t.regex(
    outcome.message ?? '',
    new RegExp(`test\\.jsonl:${swapAt}: idx \\d+ disagrees with the gold sentence`),
  );
});

test('a file with the wrong number of lines fails the run and says both counts', async (t) => {
  const { dir, store, options } = runnerSetup(t);
  writePredictions(join(dir, 'test.jsonl'), gold('test', TEST - 3));
  const spec = importSpec(dir, { test: 'test.jsonl' }, 'short', null);
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'failed');
  t.regex(
    outcome.message ?? '',
    new RegExp(`${TEST - 3} prediction lines but the gold has ${TEST} sentences`),
  );
  t.is(store.getRun(outcome.run.id)?.status, 'failed');
});

test('the files are part of the run key; only the splits with a file are predicted', (t) => {
  const { dir } = runnerSetup(t);
  writeFileSync(join(dir, 'test.jsonl'), '{"spans": []}\n');
  const before = importMethod.fingerprint({ test: 'test.jsonl' }, dir);
  writeFileSync(join(dir, 'test.jsonl'), '{"spans": [{"label": "SKILL", "start": 0, "end": 0}]}\n');
  const after = importMethod.fingerprint({ test: 'test.jsonl' }, dir);
  t.not(before.test, after.test);
  t.deepEqual(importMethod.predictsSplits({ test: 't' }), ['test']);
  t.deepEqual(importMethod.predictsSplits({ test: 't', dev: 'd' }), ['dev', 'test']);
});
