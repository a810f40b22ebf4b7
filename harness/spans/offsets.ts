import type { Sentence, Span } from '../data/types.ts';

export interface CharSpan {
  /** first character, inclusive */
  start: number;
  /** one past the last character */
  end: number;
}

/**
 * The sentence text as the harness shows it to text-based methods: tokens joined by one space.
 * tokenOffsets()[i] is where token i starts and ends in that text.
 */
export function sentenceText(tokens: readonly string[]): string {
  return tokens.join(' ');
}

export function tokenOffsets(tokens: readonly string[]): CharSpan[] {
  const offsets: CharSpan[] = [];
  let position = 0;
  for (const token of tokens) {
    offsets.push({ start: position, end: position + token.length });
    position += token.length + 1;
  }
  return offsets;
}

/** Token span -> character span in sentenceText(tokens). */
export function spanToChars(tokens: readonly string[], span: Pick<Span, 'start' | 'end'>): CharSpan {
  const offsets = tokenOffsets(tokens);
  if (span.start < 0 || span.end > tokens.length || span.end <= span.start) {
    throw new RangeError(
      `span [${span.start}, ${span.end}) is outside a sentence of ${tokens.length} tokens`,
    );
  }
  return { start: offsets[span.start].start, end: offsets[span.end - 1].end };
}

/**
 * Character span -> the token span it covers exactly, or undefined when its edges fall inside a
 * token or on whitespace (the caller decides whether that is a hallucination or needs snapping).
 */
export function charsToSpan(
  tokens: readonly string[],
  chars: CharSpan,
): { start: number; end: number } | undefined {
  const offsets = tokenOffsets(tokens);
  const start = offsets.findIndex((o) => o.start === chars.start);
  const last = offsets.findIndex((o) => o.end === chars.end);
  if (start < 0 || last < 0 || last < start) return undefined;
  return { start, end: last + 1 };
}

export function spanText(sentence: Pick<Sentence, 'tokens'>, span: Pick<Span, 'start' | 'end'>): string {
  return sentence.tokens.slice(span.start, span.end).join(' ');
}
