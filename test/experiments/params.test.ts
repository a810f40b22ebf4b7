import test from 'ava';
import fc from 'fast-check';
import { matchesPattern } from '../../harness/experiments/glob.ts';
import { applySweepPoint, deepMerge, setPath, sweepPoints } from '../../harness/experiments/params.ts';
import { formatKeyPath } from '../../harness/experiments/problems.ts';
import { closest, editDistance } from '../../harness/experiments/suggest.ts';

test('deepMerge merges maps at every depth; lists and scalars replace', (t) => {
  t.deepEqual(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: null }), {
    a: { b: 1, c: [3] },
    d: 1,
    e: null,
  });
});

test('a sweep grid has the product of its list lengths as points, each distinct', (t) => {
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.string({ minLength: 1 }),
        fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 4 }),
        { maxKeys: 4 },
      ),
      (sweep) => {
        const points = sweepPoints(sweep);
        const expected = Object.values(sweep).reduce((product, list) => product * list.length, 1);
        return (
          points.length === expected && new Set(points.map((p) => JSON.stringify(p.values))).size === expected
        );
      },
    ),
  );
  t.deepEqual(sweepPoints(undefined), [{ values: {}, indices: {} }]);
});

test('dotted sweep paths reach into nested params', (t) => {
  const [point] = sweepPoints({ 'optimizer.lr': [0.1] });
  t.deepEqual(applySweepPoint({ optimizer: { name: 'adamw' } }, point), {
    params: { optimizer: { name: 'adamw', lr: 0.1 } },
  });
  t.deepEqual(applySweepPoint({ optimizer: 'adamw' }, point), {
    key: 'optimizer.lr',
    error: '`optimizer` is "adamw", not a map',
  });
  t.is(setPath({ optimizer: 3 }, ['optimizer', 'lr'], 1), '`optimizer` is 3, not a map');
});

test('suggestions: close words only, transpositions count once', (t) => {
  t.is(editDistance('nmae', 'name'), 1);
  t.is(closest('descripton', ['description', 'dataset']), 'description');
  t.is(closest('xyz', ['description', 'dataset']), undefined);
  t.is(closest('Seeds', ['seeds']), 'seeds');
});

test('--only patterns: exact names or * and ? globs', (t) => {
  t.true(matchesPattern('paper-bert', 'paper-*'));
  t.true(matchesPattern('a.b', 'a.b'));
  t.false(matchesPattern('axb', 'a.b'));
  t.true(matchesPattern('lex-1', 'lex-?'));
  t.false(matchesPattern('lex-10', 'lex-?'));
});

test('key paths print like code: dots, indices, quoted odd keys', (t) => {
  t.is(formatKeyPath(['params', 'lr']), 'params.lr');
  t.is(formatKeyPath(['seeds', 2]), 'seeds[2]');
  t.is(formatKeyPath(['sweep', 'optimizer.lr', 0]), 'sweep["optimizer.lr"][0]');
});
