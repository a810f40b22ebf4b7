/**
 * Plain exact-match set F1 (fixtures/eval-vectors/PROTOCOLS.md, section C): per sentence the spans
 * are a set of (label, start, end), so duplicates collapse and order does not matter;
 * TP = |G ∩ P|, FP = |P − G|, FN = |G − P|, summed over sentences, micro over labels and per
 * label; macro F1 is the mean of the two label F1 values; a zero denominator gives 0.
 */
import { LABELS, type Label, type Span } from '../data/types.ts';
import { countScore, f1OfCounts } from './metrics.ts';
import { type SpanTable, spanTable } from './span-table.ts';
import type { CountScore, SetResult } from './types.ts';

/** Per label (LABELS order): tp, fp, fn. */
export const SET_STAT_COUNT = LABELS.length * 3;
const LABEL_COUNT = LABELS.length;
const TP = 0;
const FP = 1;
const FN = 2;

/**
 * Distinct gold extents per label of every sentence of `gold` (sentence s, label i at
 * s * LABELS.length + i): the gold side of FN = |G| - TP, the same for every system scored.
 */
export function setGoldSizes(gold: SpanTable): Int32Array {
  const sentences = gold.offsets.length - 1;
  const sizes = new Int32Array(sentences * LABEL_COUNT);
  for (let s = 0; s < sentences; s++) {
    for (let i = gold.offsets[s]; i < gold.offsets[s + 1]; i++) {
      if (!repeatsEarlier(gold, gold.offsets[s], i)) sizes[s * LABEL_COUNT + gold.label[i]]++;
    }
  }
  return sizes;
}

/** Whether row `i` repeats (label, start, end) of a row in from .. i - 1. */
function repeatsEarlier(table: SpanTable, from: number, i: number): boolean {
  const { label, start, end } = table;
  for (let j = from; j < i; j++) {
    if (start[j] === start[i] && end[j] === end[i] && label[j] === label[i]) return true;
  }
  return false;
}

/**
 * Adds one sentence's tp/fp/fn per label to `out` at `offset`: sentence `g` of `gold` (with its
 * distinct extents per label from setGoldSizes) against sentence `p` of `pred`. A sentence has a
 * handful of spans, so sets are pairwise comparisons here.
 */
export function countSetPrepared(
  gold: SpanTable,
  goldSizes: Int32Array,
  g: number,
  pred: SpanTable,
  p: number,
  out: Float64Array,
  offset: number,
): void {
  const gFrom = gold.offsets[g];
  const gTo = gold.offsets[g + 1];
  const pFrom = pred.offsets[p];
  const pTo = pred.offsets[p + 1];
  if (gFrom === gTo && pFrom === pTo) return;
  for (let l = 0; l < LABEL_COUNT; l++) {
    let distinct = 0;
    let tp = 0;
    for (let k = pFrom; k < pTo; k++) {
      if (pred.label[k] !== l || repeatsEarlier(pred, pFrom, k)) continue;
      distinct++;
      const start = pred.start[k];
      const end = pred.end[k];
      for (let i = gFrom; i < gTo; i++) {
        if (gold.start[i] === start && gold.end[i] === end && gold.label[i] === l) {
          tp++;
          break;
        }
      }
    }
    out[offset + l * 3 + TP] += tp;
    out[offset + l * 3 + FP] += distinct - tp;
    out[offset + l * 3 + FN] += goldSizes[g * LABEL_COUNT + l] - tp;
  }
}

/** Adds one sentence's tp/fp/fn per label to `out` at `offset`. */
export function countSetSentence(
  gold: readonly Span[],
  pred: readonly Span[],
  out: Float64Array,
  offset = 0,
): void {
  const golds = spanTable([{ spans: gold }]);
  countSetPrepared(golds, setGoldSizes(golds), 0, spanTable([{ spans: pred }]), 0, out, offset);
}

export function setFromCounts(counts: ArrayLike<number>, offset = 0): SetResult {
  const perLabel = {} as Record<Label, CountScore>;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  LABELS.forEach((label, i) => {
    const base = offset + i * 3;
    perLabel[label] = countScore(counts[base + TP], counts[base + FP], counts[base + FN]);
    tp += counts[base + TP];
    fp += counts[base + FP];
    fn += counts[base + FN];
  });
  return {
    overall: countScore(tp, fp, fn),
    per_label: perLabel,
    macro_f1: LABELS.reduce((sum, label) => sum + perLabel[label].f1, 0) / LABELS.length,
  };
}

/** F1 micro over labels ('overall'), of one label, or the macro mean, from summed counts. */
export function setF1(counts: ArrayLike<number>, offset: number, scope: 'overall' | 'macro' | Label): number {
  if (scope === 'macro') {
    let sum = 0;
    for (let i = 0; i < LABEL_COUNT; i++) sum += setF1At(counts, offset, i, i + 1);
    return sum / LABEL_COUNT;
  }
  return scope === 'overall'
    ? setF1At(counts, offset, 0, LABEL_COUNT)
    : setF1At(counts, offset, LABELS.indexOf(scope), LABELS.indexOf(scope) + 1);
}

/** F1 of the counts of labels from .. to - 1 summed. */
function setF1At(counts: ArrayLike<number>, offset: number, from: number, to: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = from; i < to; i++) {
    tp += counts[offset + i * 3 + TP];
    fp += counts[offset + i * 3 + FP];
    fn += counts[offset + i * 3 + FN];
  }
  return f1OfCounts(tp, fp, fn);
}

/** Scores whole corpora: gold[i] and pred[i] are the spans of sentence i. */
export function setF1Score(gold: readonly Span[][], pred: readonly Span[][]): SetResult {
  const counts = new Float64Array(SET_STAT_COUNT);
  const golds = spanTable(gold.map((spans) => ({ spans })));
  const sizes = setGoldSizes(golds);
  const preds = spanTable(gold.map((_, i) => ({ spans: pred[i] ?? [] })));
  for (let i = 0; i < gold.length; i++) countSetPrepared(golds, sizes, i, preds, i, counts, 0);
  return setFromCounts(counts);
}
