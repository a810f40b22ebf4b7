import {
  PREDICTION_ISSUE_KINDS,
  type Prediction,
  type PredictionIssueKind,
  type Sentence,
} from '../data/types.ts';
import { scoreAll } from '../eval/score.ts';
import { flattenScore, type ScoreJson } from './metric-names.ts';

/** Scores one split's predictions (in split order) with every protocol; metrics without the split prefix. */
export function scoreSplit(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
): { metrics: Record<string, number>; report: unknown } {
  const report = scoreAll(gold, predictions);
  return {
    metrics: {
      ...flattenScore(report as unknown as ScoreJson),
      ...issueCounts(predictions),
      ...llmAnswerMetrics(predictions),
    },
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

/**
 * `llm.answers|repaired|unparsable|unaligned` for methods that keep the model's raw answer:
 * answers read, answers that needed a repair, answers nothing could be read from, and spans not
 * found in their sentence (a span count, where `issues.unaligned-span` counts predictions).
 */
export function llmAnswerMetrics(predictions: readonly Prediction[]): Record<string, number> {
  const answered = predictions.filter((p) => p.raw !== undefined);
  if (answered.length === 0) return {};
  const withIssue = (kind: PredictionIssueKind) =>
    answered.filter((p) => p.issues?.some((i) => i.kind === kind)).length;
  return {
    'llm.answers': answered.length,
    'llm.repaired': withIssue('repaired'),
    'llm.unparsable': withIssue('unparsable'),
    'llm.unaligned': answered.reduce(
      (sum, p) => sum + (p.issues?.filter((i) => i.kind === 'unaligned-span').length ?? 0),
      0,
    ),
  };
}
