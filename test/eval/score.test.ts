import test from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import { LABELS, type Prediction } from '../../harness/data/types.ts';
import { F1_METRIC_NAMES } from '../../harness/eval/f1-metrics.ts';
import { scoreAll } from '../../harness/eval/score.ts';
import { NERVALUATE_SCHEMAS } from '../../harness/eval/types.ts';
import { readPredictionFile } from '../../harness/predictions/read.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { corpus, K, predict, S, sentence } from './helpers.ts';

/** Reads a metric like `nervaluate.per_label.SKILL.strict.f1` out of a protocols object. */
function at(value: unknown, path: string): number {
  return path.split('.').reduce((node, key) => (node as Record<string, unknown>)[key], value) as number;
}

test('duplicates: nervaluate counts each, nereval and set collapse (07_duplicates rule)', (t) => {
  // a trailing O token keeps nereval's end-of-file rule out of the way
  const gold = corpus(sentence(8, [S(0, 1), K(3, 4), S(6, 6)]));
  const report = scoreAll(gold, predict(gold, [S(0, 1), S(0, 1), K(3, 4)]));
  t.like(report.protocols.nervaluate.overall.strict, { correct: 3, missed: 1, possible: 4, recall: 0.75 });
  t.like(report.protocols.nereval.strict_combined, { tp: 2, fp: 0, fn: 1 });
  t.like(report.protocols.set.overall, { tp: 2, fp: 0, fn: 1 });
  t.deepEqual(report.counts.nereval_encoding, { dropped_overlapping_same_label: 0, duplicates_collapsed: 1 });
});

test('nested companions: a superset displaces the correct span in nereval only (08_nested_overlap rule)', (t) => {
  const gold = corpus(sentence(8, [S(1, 4)]));
  const report = scoreAll(gold, predict(gold, [S(1, 4), S(0, 5)]));
  t.like(report.protocols.nervaluate.overall.strict, { correct: 1, spurious: 1 });
  t.like(report.protocols.set.overall, { tp: 1, fp: 1, fn: 0 });
  // leftmost-longest keeps S(0,5) and drops the correct S(1,4)
  t.like(report.protocols.nereval.skill_outer, { tp: 0, fp: 1, fn: 1 });
  t.deepEqual(report.counts.nereval_encoding, { dropped_overlapping_same_label: 1, duplicates_collapsed: 0 });
});

test('BIO predictions: nereval reads the tags as written, the others per sentence (12_bio_errors rule)', (t) => {
  const gold = corpus(sentence(4, [S(2, 3)]), sentence(4, [S(2, 2)]));
  const predictions: Prediction[] = [
    { id: 'x:0', spans: [S(2, 3)], bio: { SKILL: ['O', 'O', 'B', 'I'], KNOWLEDGE: ['O', 'O', 'O', 'O'] } },
    {
      id: 'x:1',
      spans: [S(0, 0), S(2, 2)],
      bio: { SKILL: ['I', 'O', 'B', 'O'], KNOWLEDGE: ['O', 'O', 'O', 'O'] },
    },
  ];
  const report = scoreAll(gold, predictions);
  // per sentence the leading I is a spurious chunk of its own ...
  t.like(report.protocols.set.overall, { tp: 2, fp: 1, fn: 0 });
  // ... for nereval it extends sentence 0's chunk, which is then wrong and absorbs the I
  t.like(report.protocols.nereval.skill_outer, { tp: 1, fp: 1, fn: 1 });
  t.is(report.counts.bio_predictions, 2);
});

test('the report has the documented shape, per source, with counts and issues', (t) => {
  const gold = corpus(
    sentence(5, [S(0, 1)], { source: 'tech' }),
    sentence(5, [K(2, 3)], { source: 'house' }),
    sentence(5, [], { source: 'tech' }),
  );
  const predictions = predict(gold, [S(0, 1)], [K(2, 2)], [S(4, 4)]);
  predictions[2].issues = [{ kind: 'unaligned-span', detail: 'foo' }];
  const report = scoreAll(gold, predictions);
  t.deepEqual(Object.keys(report).sort(), ['by_source', 'counts', 'protocols']);
  t.deepEqual(Object.keys(report.protocols), ['nervaluate', 'nereval', 'set']);
  t.deepEqual(Object.keys(report.protocols.nervaluate.overall), [...NERVALUATE_SCHEMAS]);
  t.deepEqual(Object.keys(report.protocols.nervaluate.per_label), [...LABELS]);
  t.deepEqual(Object.keys(report.protocols.nereval), ['strict_combined', 'skill_outer', 'knowledge_inner']);
  t.deepEqual(Object.keys(report.protocols.set), ['overall', 'per_label', 'macro_f1']);
  t.deepEqual(Object.keys(report.by_source), ['house', 'tech']);
  t.deepEqual(report.by_source.tech.set.overall, {
    tp: 1,
    fp: 1,
    fn: 0,
    precision: 0.5,
    recall: 1,
    f1: 2 / 3,
  });
  t.like(report.by_source.house.nervaluate.overall.partial, { partial: 1 });
  t.deepEqual(report.counts.gold_spans, { SKILL: 1, KNOWLEDGE: 1 });
  t.deepEqual(report.counts.pred_spans, { SKILL: 2, KNOWLEDGE: 1 });
  t.deepEqual(report.counts.prediction_issues, { 'unaligned-span': 1 });
});

const test03 = () => {
  const { sentences } = loadDataset('skillspan:test');
  const predictions = readPredictionFile(
    projectPath('fixtures', 'eval-vectors', 'skillspan-test', '03_boundary_shift.pred.jsonl'),
    sentences,
  );
  return { sentences, predictions };
};

test('bootstrap: every headline F1 gets a seeded interval around the full-data value', (t) => {
  const { sentences, predictions } = test03();
  const options = { bootstrap: { resamples: 200, seed: 7 } };
  const report = scoreAll(sentences, predictions, options);
  const ci = report.ci!;
  t.deepEqual(Object.keys(ci.f1), [...F1_METRIC_NAMES]);
  t.is(ci.units, sentences.length);
  for (const [metric, interval] of Object.entries(ci.f1)) {
    t.is(interval.estimate, at(report.protocols, metric), metric);
    t.true(interval.lower <= interval.estimate && interval.estimate <= interval.upper, metric);
    t.true(interval.upper - interval.lower < 0.1, metric);
  }
  t.deepEqual(scoreAll(sentences, predictions, options).ci, ci, 'same seed, same intervals');
  const other = scoreAll(sentences, predictions, { bootstrap: { resamples: 200, seed: 8 } }).ci!;
  t.not(other.f1['set.overall.f1'].lower, ci.f1['set.overall.f1'].lower);
  const documents = scoreAll(sentences, predictions, {
    bootstrap: { resamples: 200, seed: 7, unit: 'document' },
  }).ci!;
  t.is(documents.units, 65);
  t.is(documents.unit, 'document');
});

test('bootstrap of a perfect prediction is a zero-width interval at 1', (t) => {
  const { sentences } = loadDataset('skillspan:test');
  const report = scoreAll(sentences, predict(sentences, ...sentences.map((s) => s.spans)), {
    bootstrap: { resamples: 50, seed: 1, unit: 'document' },
  });
  t.deepEqual(report.ci!.f1['set.overall.f1'], { estimate: 1, lower: 1, upper: 1 });
});

test('a prediction that does not fit its sentence is a loud error, never scored', (t) => {
  const gold = corpus(sentence(3, []));
  t.throws(() => scoreAll(gold, predict(gold, [S(2, 3)])), { message: /does not fit 3 tokens/ });
  t.throws(
    () => scoreAll(gold, [{ id: 'x:0', spans: [], bio: { SKILL: ['O'], KNOWLEDGE: ['O', 'O', 'O'] } }]),
    {
      message: /BIO tags/,
    },
  );
  t.throws(() => scoreAll(gold, []), { message: /0 predictions for 1 gold sentences/ });
});
