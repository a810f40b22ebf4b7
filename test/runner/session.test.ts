import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import { writeSpanJsonl } from '../../harness/predictions/write.ts';
import { runExperiments } from '../../harness/runner/session.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const TEST_LIMIT = 40;
const quiet = { progress: false as const, log: () => {} };

/** Test predictions for the first TEST_LIMIT sentences: the gold with every third span dropped. */
function writeTestPredictions(path: string): void {
  const gold = loadDataset('skillspan:test').sentences.slice(0, TEST_LIMIT);
  const predictions = gold.map((s) => ({ id: s.id, spans: s.spans.filter((_, i) => i % 3 !== 0) }));
  writeSpanJsonl(path, predictions, gold);
}

test('runExperiments: an import with only test predictions finishes and joins the leaderboard beside a published row', async (t) => {
  const dir = tempDir(t);
  writeTestPredictions(join(dir, 'test.jsonl'));
  writeFileSync(
    join(dir, 'experiments.yaml'),
    [
      'name: my-system',
      'method: import',
      'params: { test: test.jsonl, system: "my model v2" }',
      `dataset: { limit: { test: ${TEST_LIMIT} } }`,
      '---',
      'name: paper-my-system',
      'published: { source: a paper, protocol: nervaluate, total_f1: 61.5 }',
      '',
    ].join('\n'),
  );
  const store = join(dir, 'runs.db');
  const out = join(dir, 'leaderboard.md');
  const result = await runExperiments({
    files: [join(dir, 'experiments.yaml')],
    store,
    report: { out, format: 'md' },
    ...quiet,
  });
  t.is(result.outcomes.length, 1);
  const [outcome] = result.outcomes;
  t.is(outcome.status, 'finished', outcome.message);
  t.false(result.interrupted);
  t.is(result.reportPath, out);

  const runs = new RunStore(store);
  t.teardown(() => runs.close());
  const metrics = runs.summaryMetrics(outcome.run.id);
  t.true(metrics['test.nervaluate.overall.f1'] > 0.5 && metrics['test.nervaluate.overall.f1'] < 1);
  t.false(
    Object.keys(metrics).some((name) => name.startsWith('dev.')),
    'no dev split was predicted',
  );
  t.deepEqual(
    runs.listExperiments().map((e) => [e.name, e.method]),
    [
      ['my-system', 'import'],
      ['paper-my-system', undefined],
    ],
  );
  t.is(outcome.run.environment?.description?.setup, 'predictions imported from my model v2');

  // the reproduced row is paired with its published row (paper-<name>)
  const leaderboard = readFileSync(out, 'utf8');
  t.regex(leaderboard, /\| \*\*my-system\*\* \(published: a paper[^|]*\| *\| – \| – \| 61\.5 \|/);
  t.regex(
    leaderboard,
    /\| reproduced, 1 seed[^|]*\|[^|]*\|[^|]*\|[^|]*\|[^|]*\| predictions imported from my model v2;/,
  );
});

test('runExperiments: a dry run plans and reports the stored state without running', async (t) => {
  const dir = tempDir(t);
  writeTestPredictions(join(dir, 'test.jsonl'));
  writeFileSync(
    join(dir, 'x.yaml'),
    `name: x\nmethod: import\nparams: { test: test.jsonl }\ndataset: { limit: { test: ${TEST_LIMIT} } }\n`,
  );
  const options = { files: [join(dir, 'x.yaml')], store: join(dir, 'runs.db'), report: false, ...quiet };
  const dry = await runExperiments({ ...options, dryRun: true });
  t.is(dry.outcomes.length, 0);
  t.deepEqual(
    dry.planned.map((p) => p.existing),
    [undefined],
  );
  await runExperiments(options);
  const again = await runExperiments({ ...options, dryRun: true });
  t.is(again.planned[0].existing?.status, 'finished');
});

test('runExperiments: an aborted signal stops before any run and says so', async (t) => {
  const dir = tempDir(t);
  writeTestPredictions(join(dir, 'test.jsonl'));
  writeFileSync(
    join(dir, 'x.yaml'),
    `name: x\nmethod: import\nparams: { test: test.jsonl }\ndataset: { limit: { test: ${TEST_LIMIT} } }\n`,
  );
  const controller = new AbortController();
  controller.abort();
  const result = await runExperiments({
    files: [join(dir, 'x.yaml')],
    store: join(dir, 'runs.db'),
    signal: controller.signal,
    ...quiet,
  });
  t.true(result.interrupted);
  t.deepEqual(result.outcomes, []);
  t.is(result.reportPath, undefined);
});
