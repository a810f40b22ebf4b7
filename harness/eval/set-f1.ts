/**
 * Plain exact-match set F1 (fixtures/eval-vectors/PROTOCOLS.md, section C): per sentence the spans
 * are a set of (label, start, end), so duplicates collapse and order does not matter;
 * TP = |G ∩ P|, FP = |P − G|, FN = |G − P|, summed over sentences, micro over labels and per
 * label; macro F1 is the mean of the two label F1 values; a zero denominator gives 0.
 */
import { LABELS, type Label, type Span } from '../data/types.ts';
import { countScore, f1OfCounts } from './metrics.ts';
import type { CountScore, SetResult } from './types.ts';

/** Per label (LABELS order): tp, fp, fn. */
export const SET_STAT_COUNT = LABELS.length * 3;
const TP = 0;
const FP = 1;
const FN = 2;

/** A number that identifies (start, end) within a sentence; labels are kept apart by the caller. */
function extentKey(span: Span): number {
  return span.start * 1_000_003 + span.end;
}

function extentsOf(spans: readonly Span[], label: Label): Set<number> {
  const keys = new Set<number>();
  for (const span of spans) if (span.label === label) keys.add(extentKey(span));
  return keys;
}

/** Adds one sentence's tp/fp/fn per label to `out` at `offset`. */
export function countSetSentence(
  gold: readonly Span[],
  pred: readonly Span[],
  out: Float64Array,
  offset = 0,
): void {
  if (gold.length === 0 && pred.length === 0) return;
  LABELS.forEach((label, i) => {
    const goldKeys = extentsOf(gold, label);
    const predKeys = extentsOf(pred, label);
    let tp = 0;
    for (const key of predKeys) if (goldKeys.has(key)) tp++;
    out[offset + i * 3 + TP] += tp;
    out[offset + i * 3 + FP] += predKeys.size - tp;
    out[offset + i * 3 + FN] += goldKeys.size - tp;
  });
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
    return LABELS.reduce((sum, label) => sum + setF1(counts, offset, label), 0) / LABELS.length;
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  LABELS.forEach((label, i) => {
    if (scope !== 'overall' && scope !== label) return;
    tp += counts[offset + i * 3 + TP];
    fp += counts[offset + i * 3 + FP];
    fn += counts[offset + i * 3 + FN];
  });
  return f1OfCounts(tp, fp, fn);
}

/** Scores whole corpora: gold[i] and pred[i] are the spans of sentence i. */
export function setF1Score(gold: readonly Span[][], pred: readonly Span[][]): SetResult {
  const counts = new Float64Array(SET_STAT_COUNT);
  for (let i = 0; i < gold.length; i++) countSetSentence(gold[i], pred[i] ?? [], counts);
  return setFromCounts(counts);
}
