/**
 * The BIO columns nereval reads, for a whole corpus at once: one byte per token and level
 * (0 O, 1 B, 2 I), sentences back to back, plus a flag per sentence and level saying whether the
 * sentence has any tag other than O (nereval can skip such sentences after their first token).
 *
 * Spans are written exactly as harness/spans/bio.ts spansToBio writes them (leftmost-longest wins,
 * exact repeats collapse first; test/eval/bio-columns.test.ts checks the two agree), straight into
 * the corpus column, without an array per sentence.
 */
import { type BioLayers, type BioTag, LABELS } from '../data/types.ts';
import type { SpanTable } from './span-table.ts';

export const TAG_O = 0;
export const TAG_B = 1;
export const TAG_I = 2;

const LABEL_COUNT = LABELS.length;

export interface BioColumns {
  /** sentence s holds tokens offsets[s] .. offsets[s + 1] - 1 (sentences + 1 entries) */
  offsets: Int32Array;
  /** per level (LABELS order), one tag code per token */
  tags: Uint8Array[];
  /** per level, 1 for a sentence with a tag other than O */
  tagged: Uint8Array[];
}

/** Token offsets of sentences of the given lengths. */
export function tokenOffsets(lengths: ArrayLike<number>): Int32Array {
  const offsets = new Int32Array(lengths.length + 1);
  for (let s = 0; s < lengths.length; s++) offsets[s + 1] = offsets[s] + lengths[s];
  return offsets;
}

/** All-O columns for sentences at `offsets`. */
export function emptyBioColumns(offsets: Int32Array): BioColumns {
  const tokens = offsets[offsets.length - 1];
  const sentences = offsets.length - 1;
  return {
    offsets,
    tags: LABELS.map(() => new Uint8Array(tokens)),
    tagged: LABELS.map(() => new Uint8Array(sentences)),
  };
}

/** Writes tags as given (a prediction that came as BIO) into sentence `s` of level `level`. */
export function writeTags(columns: BioColumns, s: number, level: number, tags: readonly BioTag[]): void {
  const column = columns.tags[level];
  const from = columns.offsets[s];
  let any = false;
  for (let t = 0; t < tags.length; t++) {
    const tag = tags[t];
    if (tag === 'O') continue;
    column[from + t] = tag === 'B' ? TAG_B : TAG_I;
    any = true;
  }
  if (any) columns.tagged[level][s] = 1;
}

/** Columns holding the given layers (one BioLayers per sentence). */
export function bioColumns(layers: readonly BioLayers[]): BioColumns {
  const lengths = layers.map((layer, s) => {
    const length = layer[LABELS[0]].length;
    if (LABELS.some((label) => layer[label].length !== length)) {
      throw new Error(`sentence ${s}: its BIO layers have different lengths`);
    }
    return length;
  });
  const columns = emptyBioColumns(tokenOffsets(lengths));
  for (let s = 0; s < layers.length; s++) {
    for (let level = 0; level < LABEL_COUNT; level++) writeTags(columns, s, level, layers[s][LABELS[level]]);
  }
  return columns;
}

/** What writing spans as BIO could not keep (see NerevalEncodingCounts in sentence-stats.ts). */
export interface EncodingTally {
  dropped: number;
  duplicates: number;
}

let order = new Int32Array(64);

/**
 * Writes the spans of sentence `row` of `spans` with label index `level` into sentence `s` of the
 * columns, as spansToBio does: sorted by start, longest first; an exact repeat of the previous
 * span is a duplicate, a span starting inside one already written is dropped. Counts both in
 * `tally`.
 */
export function writeSpans(
  columns: BioColumns,
  s: number,
  level: number,
  spans: SpanTable,
  row: number,
  tally: EncodingTally,
): void {
  const from = spans.offsets[row];
  const to = spans.offsets[row + 1];
  const { start, end, label } = spans;
  let n = 0;
  if (order.length < to - from) order = new Int32Array(2 * (to - from));
  const sorted = order;
  for (let k = from; k < to; k++) {
    if (label[k] !== level) continue;
    // stable insertion by (start ascending, end descending)
    let j = n;
    while (j > 0) {
      const before = sorted[j - 1];
      if (start[before] < start[k] || (start[before] === start[k] && end[before] >= end[k])) break;
      sorted[j] = before;
      j--;
    }
    sorted[j] = k;
    n++;
  }
  if (n === 0) return;
  const column = columns.tags[level];
  const base = columns.offsets[s];
  let coveredUntil = 0;
  let previous = -1;
  let written = false;
  for (let k = 0; k < n; k++) {
    const span = sorted[k];
    const repeat = previous >= 0 && start[previous] === start[span] && end[previous] === end[span];
    previous = span;
    if (repeat) {
      tally.duplicates++;
      continue;
    }
    if (start[span] < coveredUntil) {
      tally.dropped++;
      continue;
    }
    column[base + start[span]] = TAG_B;
    for (let t = start[span] + 1; t < end[span]; t++) column[base + t] = TAG_I;
    coveredUntil = end[span];
    written = true;
  }
  if (written) columns.tagged[level][s] = 1;
}

/** The layers of sentence `s` as BioTag arrays (for callers that want the readable form). */
export function layersOf(columns: BioColumns, s: number): BioLayers {
  const from = columns.offsets[s];
  const to = columns.offsets[s + 1];
  const layers = {} as BioLayers;
  LABELS.forEach((label, level) => {
    const column = columns.tags[level];
    const tags: BioTag[] = [];
    for (let t = from; t < to; t++) tags.push(column[t] === TAG_B ? 'B' : column[t] === TAG_I ? 'I' : 'O');
    layers[label] = tags;
  });
  return layers;
}
