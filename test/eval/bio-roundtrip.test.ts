/** BIO <-> spans round trips, the conversion every protocol here depends on. */
import test from 'ava';
import fc from 'fast-check';
import type { BioTag } from '../../harness/data/types.ts';
import { bioToSpans, spansToBio } from '../../harness/spans/bio.ts';

/** Valid IOB2: every chunk opens with B, so I only follows B or I. */
const iob2Arbitrary = fc
  .array(fc.constantFrom<BioTag>('B', 'I', 'O'), { maxLength: 30 })
  .map((tags) => tags.map((tag, i) => (tag === 'I' && (i === 0 || tags[i - 1] === 'O') ? 'B' : tag)));

test('property: IOB2 tags -> spans -> tags is the identity', (t) => {
  fc.assert(
    fc.property(iob2Arbitrary, (tags) => {
      const encoded = spansToBio(bioToSpans(tags, 'SKILL'), tags.length);
      t.deepEqual(encoded.tags, tags);
      t.is(encoded.dropped.length + encoded.duplicates.length, 0);
    }),
  );
});

test('property: any B/I/O tags (orphan I included) -> spans -> tags -> spans keeps the spans', (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom<BioTag>('B', 'I', 'O'), { maxLength: 30 }), (tags) => {
      const spans = bioToSpans(tags, 'KNOWLEDGE');
      t.deepEqual(bioToSpans(spansToBio(spans, tags.length).tags, 'KNOWLEDGE'), spans);
    }),
  );
});

test('encoding: a repeat of a dropped span is collapsed, not dropped again (03 counts 91 / 46)', (t) => {
  const encoded = spansToBio(
    [
      { label: 'SKILL', start: 0, end: 4 },
      { label: 'SKILL', start: 1, end: 3 },
      { label: 'SKILL', start: 1, end: 3 },
    ],
    5,
  );
  t.deepEqual(encoded.tags, ['B', 'I', 'I', 'I', 'O']);
  t.is(encoded.dropped.length, 1);
  t.is(encoded.duplicates.length, 1);
});
