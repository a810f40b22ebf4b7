import { PREDICTION_ISSUE_KINDS, type Prediction, type Sentence } from '../data/types.ts';
import { scoreAll } from '../eval/score.ts';
import { flattenScore, type ScoreJson } from './metric-names.ts';

/** Scores one split's predictions (in split order) with every protocol; metrics without the split prefix. */
export function scoreSplit(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
): { metrics: Record<string, number>; report: unknown } {
  const report = scoreAll(gold, predictions);
  return {
    metrics: { ...flattenScore(report as unknown as ScoreJson), ...issueCounts(predictions) },
    report,
  };
}

/**
 * `issues.<kind>`: how many predictions have that issue (format failures, re-asks, unaligned
 * spans), for methods that write model text; nothing for the others.
 */
export function issueCounts(predictions: readonly Prediction[]): Record<string, number> {
  if (!predictions.some((prediction) => prediction.raw !== undefined || prediction.issues?.length)) return {};
  const counts = Object.fromEntries(PREDICTION_ISSUE_KINDS.map((kind) => [`issues.${kind}`, 0]));
  for (const prediction of predictions) {
    for (const kind of new Set(prediction.issues?.map((issue) => issue.kind)))
      counts[`issues.${kind}`] = (counts[`issues.${kind}`] ?? 0) + 1;
  }
  return counts;
}
