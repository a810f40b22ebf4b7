import test from 'ava';
import fc from 'fast-check';
import type { Span } from '../../harness/data/types.ts';
import { setF1Score } from '../../harness/eval/set-f1.ts';
import { K, S, spanArbitrary } from './helpers.ts';

test('duplicates collapse and P/R/F1 are micro over labels (m05)', (t) => {
  const result = setF1Score([[S(1, 2), S(4, 5)]], [[S(1, 2), S(1, 2)]]);
  t.like(result.overall, { tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5 });
  t.like(result.per_label.KNOWLEDGE, { tp: 0, fp: 0, fn: 0, f1: 0 });
});

test('macro F1 is the mean of the two label F1s; zero denominators give 0', (t) => {
  const result = setF1Score([[S(0, 0), K(2, 2)]], [[S(0, 0)]]);
  t.is(result.per_label.SKILL.f1, 1);
  t.is(result.per_label.KNOWLEDGE.f1, 0);
  t.is(result.macro_f1, 0.5);
  t.like(setF1Score([[]], [[]]).overall, { precision: 0, recall: 0, f1: 0 });
});

const corpusArbitrary = fc.array(
  fc.record({
    gold: fc.array(spanArbitrary, { maxLength: 5 }),
    pred: fc.array(spanArbitrary, { maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 4 },
);

test('property: shuffling and duplicating spans within a sentence changes nothing', (t) => {
  fc.assert(
    fc.property(
      corpusArbitrary,
      fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
      (rows, order, repeats) => {
        // a seeded shuffle and a duplication of some spans, for both sides
        const mangle = (spans: Span[], salt: number) => {
          const keyed = spans.map((s, i) => ({ s, key: order[(i + salt) % order.length] }));
          keyed.sort((a, b) => a.key - b.key);
          return keyed.flatMap(({ s }, i) =>
            repeats[(i + salt) % repeats.length] % 3 === 0 ? [s, { ...s }] : [s],
          );
        };
        const plain = setF1Score(
          rows.map((r) => r.gold),
          rows.map((r) => r.pred),
        );
        const mangled = setF1Score(
          rows.map((r, i) => mangle(r.gold, i)),
          rows.map((r, i) => mangle(r.pred, i + 7)),
        );
        t.deepEqual(mangled, plain);
      },
    ),
  );
});
