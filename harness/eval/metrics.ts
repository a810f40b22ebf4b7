import type { CountScore, PrecisionRecallF1 } from './types.ts';

/** F1 as every reference scorer here writes it: 2PR/(P+R), and 0 when P + R is 0. */
export function harmonicMean(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * (precision * recall)) / (precision + recall) : 0;
}

/** `numerator / denominator`, or 0 when the denominator is 0 (all three protocols agree on that). */
export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

export function precisionRecallF1(tp: number, fp: number, fn: number): PrecisionRecallF1 {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: harmonicMean(precision, recall) };
}

export function countScore(tp: number, fp: number, fn: number): CountScore {
  return { tp, fp, fn, ...precisionRecallF1(tp, fp, fn) };
}

/** Just the F1 of tp/fp/fn, without building an object (the bootstrap's inner loop). */
export function f1OfCounts(tp: number, fp: number, fn: number): number {
  return harmonicMean(ratio(tp, tp + fp), ratio(tp, tp + fn));
}
