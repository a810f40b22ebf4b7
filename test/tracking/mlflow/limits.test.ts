import test from 'ava';
import { invalidKeyReason, truncateValue } from '../../../harness/tracking/mlflow/limits.ts';

test('names: MLflow rules for characters, paths and length', (t) => {
  for (const ok of [
    'test.nervaluate.overall.f1',
    'dev.set.tech.precision',
    'nervaluate-ent_type',
    'a/b',
    'with space',
    'größe',
  ]) {
    t.is(invalidKeyReason(ok), undefined, ok);
  }
  for (const bad of ['', 'a,b', 'a:b', '/a', 'a/', 'a//b', './a', 'a/./b', '..a', 'a/..', 'x'.repeat(251)]) {
    t.truthy(invalidKeyReason(bad), bad);
  }
});

test('truncation counts code points and never splits a surrogate pair', (t) => {
  t.deepEqual(truncateValue('abc', 3), { value: 'abc' });
  t.deepEqual(truncateValue('😀😀😀', 3), { value: '😀😀😀' });
  t.deepEqual(truncateValue('😀😀😀😀', 3), { value: '😀😀😀', truncatedFrom: 4 });
});
