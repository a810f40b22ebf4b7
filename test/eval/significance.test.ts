import test from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import type { Prediction } from '../../harness/data/types.ts';
import { scoreAll } from '../../harness/eval/score.ts';
import { pairedTest } from '../../harness/eval/significance.ts';
import { readPredictionFile } from '../../harness/predictions/read.ts';
import { projectPath } from '../../harness/util/paths.ts';

const { sentences } = loadDataset('skillspan:test');
const vector = (name: string): Prediction[] =>
  readPredictionFile(
    projectPath('fixtures', 'eval-vectors', 'skillspan-test', `${name}.pred.jsonl`),
    sentences,
  );

for (const method of ['bootstrap', 'randomization'] as const) {
  for (const unit of ['sentence', 'document'] as const) {
    test(`${method} (${unit}s): identical predictions give no difference and p = 1`, (t) => {
      const a = vector('03_boundary_shift');
      const result = pairedTest(sentences, a, vector('03_boundary_shift'), {
        method,
        unit,
        resamples: 200,
        seed: 3,
      });
      t.is(result.difference, 0);
      t.is(result.p_value, 1);
    });

    test(`${method} (${unit}s): a clearly better system gets a small p`, (t) => {
      // 01 is the gold itself, 03 shifts boundaries: about 28 F1 points apart
      const result = pairedTest(sentences, vector('01_identity'), vector('03_boundary_shift'), {
        method,
        unit,
        resamples: 500,
        seed: 3,
        metric: 'nereval.strict_combined.f1',
      });
      t.true(result.difference > 0.25);
      t.true(result.p_value < 0.01, `p = ${result.p_value}`);
      t.is(result.p_value, 1 / 501);
    });
  }
}

test('the observed values are the scoreAll values of each system, and a seed reproduces p', (t) => {
  const a = vector('02_drop_spans');
  const b = vector('05_spurious');
  const options = { metric: 'set.macro_f1', resamples: 300, seed: 11 } as const;
  const result = pairedTest(sentences, a, b, options);
  t.is(result.a, scoreAll(sentences, a).protocols.set.macro_f1);
  t.is(result.b, scoreAll(sentences, b).protocols.set.macro_f1);
  t.is(result.difference, result.a - result.b);
  t.deepEqual(pairedTest(sentences, a, b, options), result);
  t.true(result.p_value > 0 && result.p_value <= 1);
});

test('close systems are not significant', (t) => {
  // the same predictions with one sentence's spans dropped
  const a = vector('03_boundary_shift');
  const index = a.findIndex((p) => p.spans.length > 0);
  const b = a.map((p, i) => (i === index ? { ...p, spans: [] } : p));
  for (const method of ['bootstrap', 'randomization'] as const) {
    const result = pairedTest(sentences, a, b, { method, resamples: 300, seed: 5, metric: 'set.overall.f1' });
    t.not(result.difference, 0);
    t.true(result.p_value > 0.2, `${method}: p = ${result.p_value}`);
  }
});

test('an unknown metric is an error', (t) => {
  const a = vector('01_identity');
  t.throws(() => pairedTest(sentences, a, a, { metric: 'set.f2' }), { message: /unknown F1 metric/ });
});
