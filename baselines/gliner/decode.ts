import { sliceCodePoints, type Word } from './words.ts';

/**
 * GLiNER v0.2.9's SpanDecoder: sigmoid, keep (i, j, c) with p > threshold (strictly) and a span
 * inside the text, then greedy selection by probability (highest first; ties keep the
 * row-major (i, j, c) order, Python's sort being stable), finally sorted by start.
 * - flat (flat_ner=True, batch_predict_entities' default and this row's setting): any overlap
 *   conflicts;
 * - nested (flat_ner=False): only partial crossings conflict, full nesting is allowed.
 * In both, identical boundaries conflict unless multiLabel.
 */
export interface DecodeOptions {
  threshold: number;
  flat: boolean;
  multiLabel?: boolean;
}

/** A decoded span in words: start and end inclusive, the class name, its probability. */
export interface WordSpan {
  start: number;
  end: number;
  label: string;
  score: number;
}

/** Logits of one example: [words, width, classes] row-major (the example's own rows of [B, L, K, C]). */
export interface ExampleLogits {
  data: Float32Array;
  words: number;
  width: number;
  classes: number;
}

/** float32 sigmoid, as torch computes it on float32 logits */
export function sigmoid32(x: number): number {
  return Math.fround(1 / (1 + Math.exp(-x)));
}

export function decodeExample(
  logits: ExampleLogits,
  textLength: number,
  classNames: readonly string[],
  options: DecodeOptions,
): WordSpan[] {
  const { words, width, classes, data } = logits;
  const candidates: WordSpan[] = [];
  for (let i = 0; i < words; i++) {
    for (let j = 0; j < width; j++) {
      if (i + j >= textLength) continue;
      for (let c = 0; c < classes; c++) {
        // padded classes (beyond this example's own) never decode: their name is absent
        if (c >= classNames.length) continue;
        const p = sigmoid32(data[(i * width + j) * classes + c]);
        if (p > options.threshold) candidates.push({ start: i, end: i + j, label: classNames[c], score: p });
      }
    }
  }
  return greedySearch(candidates, options);
}

export function greedySearch(
  candidates: readonly WordSpan[],
  options: Omit<DecodeOptions, 'threshold'>,
): WordSpan[] {
  const conflicts = options.flat ? overlaps : crosses;
  const multiLabel = options.multiLabel ?? false;
  const accepted: WordSpan[] = [];
  for (const candidate of [...candidates].sort((a, b) => b.score - a.score)) {
    const clash = accepted.some((kept) =>
      kept.start === candidate.start && kept.end === candidate.end ? !multiLabel : conflicts(candidate, kept),
    );
    if (!clash) accepted.push(candidate);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

/** has_overlapping: the spans share a word */
function overlaps(a: WordSpan, b: WordSpan): boolean {
  return !(a.start > b.end || b.start > a.end);
}

/** has_overlapping_nested: they share a word and neither contains the other */
function crosses(a: WordSpan, b: WordSpan): boolean {
  if (!overlaps(a, b)) return false;
  const nested = (a.start <= b.start && a.end >= b.end) || (b.start <= a.start && b.end >= a.end);
  return !nested;
}

/** An entity as batch_predict_entities returns it: character offsets (end exclusive). */
export interface CharSpanEntity {
  start: number;
  end: number;
  text: string;
  label: string;
  score: number;
}

export function toCharEntities(
  text: string,
  words: readonly Word[],
  spans: readonly WordSpan[],
): CharSpanEntity[] {
  return spans.map((span) => {
    const start = words[span.start].start;
    const end = words[span.end].end;
    return { start, end, text: sliceCodePoints(text, start, end), label: span.label, score: span.score };
  });
}

/** The rows of example b of a [B, L, K, C] logits array. */
export function exampleLogits(
  all: Float32Array,
  b: number,
  dims: { words: number; width: number; classes: number },
): ExampleLogits {
  const size = dims.words * dims.width * dims.classes;
  return { data: all.subarray(b * size, (b + 1) * size), ...dims };
}
