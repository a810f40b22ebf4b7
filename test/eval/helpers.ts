/** Small builders for scoring tests: sentences of tokens w0..wN and spans written compactly. */
import fc from 'fast-check';
import type { Label, Prediction, Sentence, Span } from '../../harness/data/types.ts';

/** `S(1, 3)` is SKILL over tokens 1..3 INCLUSIVE (as the vector files write it), end-exclusive inside. */
export const S = (start: number, endInclusive: number): Span => ({
  label: 'SKILL',
  start,
  end: endInclusive + 1,
});
export const K = (start: number, endInclusive: number): Span => ({
  label: 'KNOWLEDGE',
  start,
  end: endInclusive + 1,
});

export function span(label: Label, start: number, end: number): Span {
  return { label, start, end };
}

export function sentence(length: number, spans: Span[], extra: Partial<Sentence> = {}): Sentence {
  return {
    id: extra.id ?? 'x:0',
    docId: extra.docId ?? 0,
    tokens: Array.from({ length }, (_, i) => `w${i}`),
    source: extra.source ?? 'micro',
    spans,
  };
}

/** Sentences with ids x:0, x:1, ... */
export function corpus(...sentences: Sentence[]): Sentence[] {
  return sentences.map((s, i) => ({ ...s, id: `x:${i}` }));
}

export function predict(gold: readonly Sentence[], ...spans: Span[][]): Prediction[] {
  return gold.map((s, i) => ({ id: s.id, spans: spans[i] ?? [] }));
}

/** A random span of either label in a sentence of about ten tokens (property tests). */
export const spanArbitrary = fc
  .record({
    label: fc.constantFrom('SKILL' as const, 'KNOWLEDGE' as const),
    start: fc.integer({ min: 0, max: 8 }),
    length: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ label, start, length }): Span => ({ label, start, end: start + length }));
