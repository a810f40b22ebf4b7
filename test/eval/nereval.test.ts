import test from 'ava';
import fc from 'fast-check';
import type { BioLayers, BioTag, Span } from '../../harness/data/types.ts';
import { NEREVAL_STAT_COUNT, nereval, nerevalSentenceCounts, printf2 } from '../../harness/eval/nereval.ts';
import { setF1Score } from '../../harness/eval/set-f1.ts';
import { bioToSpans, layersToSpans, spansToBio, spansToLayers } from '../../harness/spans/bio.ts';

const layers = (skill: string, knowledge = 'O'.repeat(skill.length)): BioLayers => ({
  SKILL: [...skill] as BioTag[],
  KNOWLEDGE: [...knowledge] as BioTag[],
});

const counts = (score: { tp: number; fp: number; fn: number }) => [score.tp, score.fp, score.fn];

test('a sentence-initial I continues the previous sentence chunk (m15, 12_bio_errors)', (t) => {
  const gold = [layers('OOOOBI'), layers('OOOOOO', 'OOOBOO')];
  const pred = [layers('OOOOBI'), layers('IIOOOO', 'OOOBOO')];
  const result = nereval(gold, pred);
  t.deepEqual(counts(result.skill_outer), [0, 1, 1]);
  t.deepEqual(counts(result.knowledge_inner), [1, 0, 0]);
  t.deepEqual(counts(result.strict_combined), [1, 1, 1]);
  // per sentence (set F1 on the same tags) the sentence-initial I is a chunk of its own
  const set = setF1Score(
    gold.map((l) => layersToSpans(l)),
    pred.map((l) => layersToSpans(l)),
  );
  t.deepEqual(counts(set.overall), [2, 1, 0]);
});

test('a chunk ending on the last token of the input is never counted correct (m16)', (t) => {
  const gold = [layers('OBIOOOOO'), layers('OOOOOO', 'OOOOBI')];
  const result = nereval(gold, gold);
  t.deepEqual(counts(result.skill_outer), [1, 0, 0]);
  t.deepEqual(counts(result.knowledge_inner), [0, 1, 1]);
  t.deepEqual(counts(result.strict_combined), [1, 1, 1]);
});

test('an orphan I (O -> I) starts a chunk (m14)', (t) => {
  const result = nereval([layers('OBIO')], [layers('OIIO')]);
  t.deepEqual(counts(result.skill_outer), [1, 0, 0]);
});

test('a label swap is an FN in one level and an FP in the other (m08)', (t) => {
  const result = nereval([layers('OBIO', 'OOOO')], [layers('OOOO', 'OBIO')]);
  t.deepEqual(counts(result.skill_outer), [0, 0, 1]);
  t.deepEqual(counts(result.knowledge_inner), [0, 1, 0]);
  t.is(result.strict_combined.f1, 0);
});

test('chunks are attributed to the sentence of their first token; sums equal the sequential totals', (t) => {
  const gold = [layers('OOBI'), layers('IOBO')];
  const pred = [layers('OOBI'), layers('IOBO')];
  const perSentence = nerevalSentenceCounts(gold, pred);
  // skill level: tp, guessed, gold per sentence. The chunk B I | I starts in sentence 0 and is
  // found correct at sentence 1's second token; the chunk B (sentence 1) is correct too.
  t.deepEqual([...perSentence.slice(0, 3)], [1, 1, 1]);
  t.deepEqual([...perSentence.slice(NEREVAL_STAT_COUNT, NEREVAL_STAT_COUNT + 3)], [1, 1, 1]);
  t.deepEqual(counts(nereval(gold, pred).skill_outer), [2, 0, 0]);
});

test('printf2 rounds like C printf %.2f (exact ties to even)', (t) => {
  t.is(printf2(12.125), '12.12');
  t.is(printf2(12.375), '12.38');
  t.is(printf2(66.66666666666667), '66.67');
  t.is(printf2(100), '100.00');
  t.is(printf2(0), '0.00');
  t.is(printf2(0.125), '0.12');
});

const tagArbitrary = fc.constantFrom<BioTag>('B', 'I', 'O');
const sentencesArbitrary = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 });

/** Gold spans of one label over a sentence: any spans, written as valid BIO. */
function goldColumn(length: number, raw: [number, number][]): BioTag[] {
  const spans: Span[] = raw
    .map(([a, b]) => ({
      label: 'SKILL' as const,
      start: a % length,
      end: Math.min(length, (a % length) + 1 + b),
    }))
    .filter((s) => s.start < s.end);
  return spansToBio(spans, length).tags;
}

/** Appends an all-O guard token to every sentence: chunks can then neither cross nor reach the end. */
const guarded = (all: BioLayers[]) =>
  all.map((l) => ({ SKILL: [...l.SKILL, 'O'], KNOWLEDGE: [...l.KNOWLEDGE, 'O'] }) as BioLayers);

test('property: with a guard O after each sentence, nereval on BIO predictions equals set F1 (12_bio_errors rule)', (t) => {
  fc.assert(
    fc.property(
      sentencesArbitrary.chain((lengths) =>
        fc.tuple(
          fc.constant(lengths),
          fc.tuple(
            ...lengths.map((n) =>
              fc.record({
                gold: fc.array(fc.tuple(fc.nat(20), fc.nat(3)), { maxLength: 3 }),
                goldK: fc.array(fc.tuple(fc.nat(20), fc.nat(3)), { maxLength: 3 }),
                skill: fc.array(tagArbitrary, { minLength: n, maxLength: n }),
                knowledge: fc.array(tagArbitrary, { minLength: n, maxLength: n }),
              }),
            ),
          ),
        ),
      ),
      ([lengths, rows]) => {
        const gold = rows.map((r, i) => ({
          SKILL: goldColumn(lengths[i], r.gold),
          KNOWLEDGE: goldColumn(lengths[i], r.goldK),
        }));
        const pred = rows.map((r) => ({ SKILL: r.skill, KNOWLEDGE: r.knowledge }));
        const sequential = nereval(guarded(gold), guarded(pred));
        const set = setF1Score(
          gold.map((l) => layersToSpans(l)),
          pred.map((l) => layersToSpans(l)),
        );
        t.deepEqual(counts(sequential.skill_outer), counts(set.per_label.SKILL));
        t.deepEqual(counts(sequential.knowledge_inner), counts(set.per_label.KNOWLEDGE));
      },
    ),
  );
});

test('property: span predictions (encoded with B first) only lose a chunk at the end of the file', (t) => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          length: fc.integer({ min: 1, max: 7 }),
          gold: fc.array(fc.tuple(fc.nat(20), fc.nat(3)), { maxLength: 3 }),
          pred: fc.array(fc.tuple(fc.nat(20), fc.nat(3)), { maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      (rows) => {
        const gold = rows.map((r) => ({
          SKILL: goldColumn(r.length, r.gold),
          KNOWLEDGE: goldColumn(r.length, []),
        }));
        const pred = rows.map((r) =>
          spansToLayers(bioToSpans(goldColumn(r.length, r.pred), 'SKILL'), r.length),
        );
        const plain = nereval(gold, pred).skill_outer;
        const withGuard = nereval(guarded(gold), guarded(pred)).skill_outer;
        const last = gold.length - 1;
        const endsInChunk = gold[last].SKILL.at(-1) !== 'O' && pred[last].SKILL.at(-1) !== 'O';
        t.is(plain.tp + plain.fp, withGuard.tp + withGuard.fp);
        t.is(plain.tp + plain.fn, withGuard.tp + withGuard.fn);
        t.true(plain.tp === withGuard.tp || (endsInChunk && plain.tp === withGuard.tp - 1));
      },
    ),
  );
});
