import test from 'ava';
import fc from 'fast-check';
import type { Span } from '../../harness/data/types.ts';
import {
  analyzeErrors,
  classifySpans,
  GOLD_KINDS,
  lengthBucket,
  PREDICTED_KINDS,
  SPAN_KINDS,
} from '../../harness/eval/error-analysis.ts';
import { corpus, K, predict, S, sentence, spanArbitrary } from './helpers.ts';

test('each span gets its closest relation to the other side', (t) => {
  const gold = corpus(
    sentence(12, [S(0, 1), S(3, 4), K(6, 6), S(8, 9)]),
    sentence(5, [K(0, 0)], { source: 'tech' }),
  );
  const predictions = predict(
    gold,
    // exact, boundary, label, spurious (and a duplicate of the exact one); S(8,9) is missed
    [S(0, 1), S(0, 1), S(3, 5), S(6, 6), K(11, 11)],
    // other label and other extent
    [S(0, 1)],
  );
  predictions[1].issues = [{ kind: 'unparsable' }];
  const analysis = analyzeErrors(gold, predictions);
  t.deepEqual(analysis.predicted.counts, { exact: 1, boundary: 1, label: 1, label_boundary: 1, spurious: 1 });
  t.deepEqual(analysis.gold.counts, { exact: 1, boundary: 1, label: 1, label_boundary: 1, missed: 1 });
  t.is(analysis.duplicates, 1);
  t.is(analysis.predicted.total, 5);
  t.deepEqual(analysis.predicted.per_label.KNOWLEDGE, {
    exact: 0,
    boundary: 0,
    label: 0,
    label_boundary: 0,
    spurious: 1,
  });
  t.is(analysis.gold.by_length['2'].missed, 1);
  t.is(analysis.predicted.by_length['3-4'].boundary, 1);
  t.deepEqual(analysis.predicted.examples.label_boundary, ['x:1']);
  t.deepEqual(analysis.issues, { unparsable: { count: 1, examples: ['x:1'] } });
});

test('one prediction over two golds: one boundary prediction, two boundary golds (m02)', (t) => {
  const gold = corpus(sentence(8, [S(1, 2), S(4, 5)]));
  const analysis = analyzeErrors(gold, predict(gold, [S(1, 5)]));
  t.is(analysis.predicted.counts.boundary, 1);
  t.is(analysis.gold.counts.boundary, 2);
});

test('length buckets', (t) => {
  t.deepEqual([1, 2, 3, 4, 5, 8, 9, 30].map(lengthBucket), [
    '1',
    '2',
    '3-4',
    '3-4',
    '5-8',
    '5-8',
    '9+',
    '9+',
  ]);
});

test('property: the analysis does not depend on span order', (t) => {
  fc.assert(
    fc.property(
      fc.array(spanArbitrary, { maxLength: 5 }),
      fc.array(spanArbitrary, { maxLength: 6 }),
      (g, p) => {
        const gold = corpus(sentence(12, g));
        const forward = analyzeErrors(gold, predict(gold, p));
        const reversed = analyzeErrors(
          corpus(sentence(12, [...g].reverse())),
          predict(gold, [...p].reverse()),
        );
        t.deepEqual(reversed, forward);
      },
    ),
  );
});

test('classifySpans: the kind of each predicted and each gold span, in their own order', (t) => {
  const gold = [S(0, 1), S(3, 4), K(6, 6), S(8, 9)];
  const prediction = [S(0, 1), S(0, 1), S(3, 5), S(6, 6), K(11, 11)];
  t.deepEqual(classifySpans(gold, prediction), {
    // a repeat has the kind of the span it repeats
    predicted: ['exact', 'exact', 'boundary', 'label', 'spurious'],
    gold: ['exact', 'boundary', 'label', 'missed'],
  });
  // the closest relation wins: exact over label over boundary over label_boundary
  t.deepEqual(classifySpans([S(2, 4)], [K(1, 5), S(2, 3), K(2, 4)]), {
    predicted: ['label_boundary', 'boundary', 'label'],
    gold: ['label'],
  });
  t.deepEqual(classifySpans([], []), { predicted: [], gold: [] });
});

test('property: the analysis counts what classifySpans says, once per distinct span', (t) => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.array(spanArbitrary, { maxLength: 4 }), fc.array(spanArbitrary, { maxLength: 5 })),
        {
          minLength: 1,
          maxLength: 6,
        },
      ),
      (pairs) => {
        const gold = corpus(...pairs.map(([g]) => sentence(12, g)));
        const predictions = predict(gold, ...pairs.map(([, p]) => p));
        const seen: [number, string[], string[]][] = [];
        const analysis = analyzeErrors(gold, predictions, {
          examples: Number.POSITIVE_INFINITY,
          onSentence: (i, predicted, goldKinds) =>
            seen.push([
              i,
              [...predicted].map((k) => SPAN_KINDS[k]),
              [...goldKinds].map((k) => SPAN_KINDS[k]),
            ]),
        });
        const predictedCounts = Object.fromEntries(PREDICTED_KINDS.map((kind) => [kind, 0]));
        const goldCounts = Object.fromEntries(GOLD_KINDS.map((kind) => [kind, 0]));
        const distinct = (spans: Span[]) =>
          spans.filter(
            (span, k) =>
              spans.findIndex(
                (o) => o.start === span.start && o.end === span.end && o.label === span.label,
              ) === k,
          );
        const expectedSeen: [number, string[], string[]][] = [];
        pairs.forEach(([g, p], i) => {
          if (g.length + p.length === 0) return;
          const kinds = classifySpans(g, p);
          expectedSeen.push([i, kinds.predicted, kinds.gold]);
          const once = classifySpans(distinct(g), distinct(p));
          for (const kind of once.predicted) predictedCounts[kind]++;
          for (const kind of once.gold) goldCounts[kind]++;
        });
        t.deepEqual(seen, expectedSeen);
        t.deepEqual(analysis.predicted.counts, predictedCounts);
        t.deepEqual(analysis.gold.counts, goldCounts);
      },
    ),
  );
});
