import type { Prediction, Sentence } from '../data/types.ts';
import { scoreAll } from '../eval/score.ts';
import { flattenScore, type ScoreJson } from './metric-names.ts';

/** Scores one split's predictions (in split order) with every protocol; metrics without the split prefix. */
export function scoreSplit(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
): { metrics: Record<string, number>; report: unknown } {
  const report = scoreAll(gold, predictions);
  return { metrics: flattenScore(report as unknown as ScoreJson), report };
}
