import test from 'ava';
import fc from 'fast-check';
import { viterbiBio } from '../../baselines/bert-tagger/viterbi.ts';
import type { BioTag } from '../../harness/data/types.ts';

const valid = (tags: BioTag[]) => tags.every((tag, i) => tag !== 'I' || (i > 0 && tags[i - 1] !== 'O'));

const scoresArbitrary = fc
  .integer({ min: 0, max: 12 })
  .chain((words) =>
    fc.tuple(
      fc.constant(words),
      fc.array(fc.float({ min: -20, max: 0, noNaN: true }), { minLength: words * 3, maxLength: words * 3 }),
    ),
  );

test('Viterbi never emits an I after O or at the start', (t) => {
  fc.assert(
    fc.property(scoresArbitrary, ([words, scores]) => {
      const tags = viterbiBio(scores, words);
      return tags.length === words && valid(tags);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('Viterbi finds the best valid sequence (brute force on short sentences)', (t) => {
  const all = (n: number): BioTag[][] =>
    n === 0
      ? [[]]
      : all(n - 1).flatMap((prefix) => (['O', 'B', 'I'] as BioTag[]).map((tag) => [...prefix, tag]));
  const score = (tags: BioTag[], scores: number[]) =>
    tags.reduce((s, tag, w) => s + scores[w * 3 + 'OBI'.indexOf(tag)], 0);
  fc.assert(
    fc.property(
      scoresArbitrary.filter(([words]) => words <= 5),
      ([words, scores]) => {
        const best = Math.max(
          ...all(words)
            .filter(valid)
            .map((tags) => score(tags, scores)),
        );
        return Math.abs(score(viterbiBio(scores, words), scores) - best) < 1e-6;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

test('an I the model prefers after O becomes the best valid alternative', (t) => {
  // word 1 strongly I, but word 0 strongly O: B is the best legal tag for word 1
  const scores = [-0.1, -5, -5, -9, -3, -0.1];
  t.deepEqual(viterbiBio(scores, 2), ['O', 'B']);
});
