import test from 'ava';
import fc from 'fast-check';
import type { Span } from '../../harness/data/types.ts';
import { nervaluate } from '../../harness/eval/nervaluate.ts';
import { K, S, spanArbitrary } from './helpers.ts';

const strict = (gold: Span[], pred: Span[]) => nervaluate([gold], [pred]).overall.strict;

test('m06/m07: the order of predictions with equal ends decides (reproduced, not fixed)', (t) => {
  const gold = [S(1, 4)];
  const innerFirst = strict(gold, [S(3, 4), S(1, 4)]);
  const outerFirst = strict(gold, [S(1, 4), S(3, 4)]);
  t.like(innerFirst, { correct: 1, incorrect: 1, spurious: 0, precision: 0.5, recall: 0.5, f1: 0.5 });
  t.like(outerFirst, { correct: 1, incorrect: 0, spurious: 1, precision: 0.5, recall: 1 });
  t.true(Math.abs(outerFirst.f1 - 2 / 3) < 1e-12);
});

test('duplicates count as correct every time and inflate possible (07_duplicates rule)', (t) => {
  const gold = [S(0, 1), K(3, 4), S(6, 6)];
  const result = strict(gold, [S(0, 1), S(0, 1), K(3, 4), K(3, 4)]);
  t.like(result, { correct: 4, missed: 1, possible: 5, actual: 4, precision: 1, recall: 0.8 });
});

test('one prediction over two golds is incorrect twice (m02/m03, 06_merge_two_golds)', (t) => {
  t.like(strict([S(1, 2), S(4, 5)], [S(1, 5)]), { incorrect: 2, possible: 2, actual: 2, f1: 0 });
  const mixed = nervaluate([[S(1, 2), K(4, 5)]], [[S(1, 5)]]);
  t.like(mixed.overall.strict, { incorrect: 2, possible: 2, actual: 2 });
  // each incorrect goes to its gold's label; ent_type is correct only against the same label
  t.like(mixed.per_label.SKILL.ent_type, { correct: 1, incorrect: 0 });
  t.like(mixed.per_label.KNOWLEDGE.ent_type, { correct: 0, incorrect: 1 });
});

test('a wrong label is charged to the gold label only (m08)', (t) => {
  const result = nervaluate([[S(1, 2)]], [[K(1, 2)]]);
  t.like(result.per_label.SKILL.strict, { incorrect: 1, possible: 1, actual: 1 });
  t.like(result.per_label.KNOWLEDGE.strict, {
    correct: 0,
    incorrect: 0,
    spurious: 0,
    actual: 0,
    precision: 0,
  });
  t.like(result.overall.exact, { correct: 1 });
  t.like(result.overall.partial, { correct: 1 });
});

test('a dual-label prediction costs recall (m09, scenario IV does not check marks)', (t) => {
  t.like(strict([S(1, 2)], [S(1, 2), K(1, 2)]), { correct: 1, incorrect: 1, precision: 0.5, recall: 0.5 });
});

test('a prediction overlapping an already marked gold is spurious (m10)', (t) => {
  t.like(strict([S(2, 5)], [S(1, 3), S(4, 6)]), { incorrect: 1, spurious: 1, possible: 1, actual: 2 });
});

test('a superset companion of a correct prediction is spurious (08_nested_overlap rule)', (t) => {
  // sorted by end: S(1,4) (end 4) is exact first; S(0,5) then overlaps only a marked gold
  t.like(strict([S(1, 4)], [S(0, 5), S(1, 4)]), { correct: 1, spurious: 1, possible: 1, actual: 2 });
  // a subset companion ends earlier, marks the gold as incorrect, and the exact one is still correct
  t.like(strict([S(1, 4)], [S(1, 4), S(1, 2)]), { correct: 1, incorrect: 1, possible: 2, actual: 2 });
});

test('ranges are inclusive: a single-token gold overlaps (m12)', (t) => {
  const result = nervaluate([[S(2, 2)]], [[S(2, 3)]]).overall;
  t.like(result.strict, { incorrect: 1 });
  t.like(result.partial, { partial: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
  t.like(result.ent_type, { correct: 1 });
});

test('zero denominators give 0 (m17, m18, 10_all_empty)', (t) => {
  t.like(strict([S(1, 1)], []), { missed: 1, precision: 0, recall: 0, f1: 0 });
  t.like(strict([], [S(1, 1)]), { spurious: 1, precision: 0, recall: 0, f1: 0 });
  t.like(strict([], []), { possible: 0, actual: 0, precision: 0, recall: 0, f1: 0 });
});

test('counts are summed over sentences before P/R/F1 (micro)', (t) => {
  const result = nervaluate([[S(0, 0)], [S(0, 0), S(2, 2)]], [[S(0, 0)], []]).overall.strict;
  t.like(result, { correct: 1, missed: 2, possible: 3, actual: 1, precision: 1 });
  t.true(Math.abs(result.recall - 1 / 3) < 1e-12);
});

/** Interleaves the groups of equal-end spans at random, keeping the order within each group. */
function reorderKeepingTies(spans: Span[], choices: number[]): Span[] {
  const groups = new Map<number, Span[]>();
  for (const s of spans) groups.set(s.end, [...(groups.get(s.end) ?? []), s]);
  const queues = [...groups.values()];
  const out: Span[] = [];
  let k = 0;
  while (queues.some((q) => q.length)) {
    const open = queues.filter((q) => q.length);
    out.push(open[choices[k++ % choices.length] % open.length].shift()!);
  }
  return out;
}

test('property: only the relative order of predictions with equal ends matters', (t) => {
  fc.assert(
    fc.property(
      fc.array(spanArbitrary, { maxLength: 6 }),
      fc.array(spanArbitrary, { maxLength: 8 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
      (gold, pred, choices) => {
        const reordered = reorderKeepingTies(pred, choices);
        t.deepEqual(nervaluate([gold], [reordered]), nervaluate([gold], [pred]));
      },
    ),
  );
});

test('property: counts are consistent (possible/actual definitions, marks per gold)', (t) => {
  fc.assert(
    fc.property(
      fc.array(spanArbitrary, { maxLength: 6 }),
      fc.array(spanArbitrary, { maxLength: 8 }),
      (gold, pred) => {
        const { overall, per_label } = nervaluate([gold], [pred]);
        for (const score of Object.values(overall)) {
          t.is(score.possible, score.correct + score.incorrect + score.partial + score.missed);
          t.is(score.actual, score.correct + score.incorrect + score.partial + score.spurious);
        }
        // per-label counts add up to the overall counts (every count goes to exactly one label)
        t.is(per_label.SKILL.strict.actual + per_label.KNOWLEDGE.strict.actual, overall.strict.actual);
      },
    ),
  );
});
