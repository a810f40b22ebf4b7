import test from 'ava';
import { bioToSpans, spansToBio } from '../../harness/spans/bio.ts';

test('conlleval chunking: an I after O or at the start opens a span', (t) => {
  t.deepEqual(bioToSpans(['I', 'I', 'O', 'B', 'I', 'B', 'O', 'I'], 'SKILL'), [
    { label: 'SKILL', start: 0, end: 2 },
    { label: 'SKILL', start: 3, end: 5 },
    { label: 'SKILL', start: 5, end: 6 },
    { label: 'SKILL', start: 7, end: 8 },
  ]);
});

test('encoding overlapping spans keeps the leftmost-longest one', (t) => {
  const encoded = spansToBio(
    [
      { label: 'SKILL', start: 3, end: 5 },
      { label: 'SKILL', start: 1, end: 5 },
      { label: 'SKILL', start: 1, end: 5 },
    ],
    6,
  );
  t.deepEqual(encoded.tags, ['O', 'B', 'I', 'I', 'I', 'O']);
  t.is(encoded.dropped.length, 1);
  t.is(encoded.duplicates.length, 1);
});
