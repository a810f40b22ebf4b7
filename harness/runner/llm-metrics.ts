import type { Prediction } from '../data/types.ts';

/**
 * Counts over a split's predictions from generative methods (those that keep the model's raw
 * answer), stored as `<split>.llm.answers|repaired|unparsable|unaligned`: answers read, answers
 * that needed a repair, answers nothing could be read from, and spans not found in their
 * sentence. Empty for methods without raw answers.
 */
export function llmAnswerMetrics(predictions: readonly Prediction[]): Record<string, number> {
  const answered = predictions.filter((p) => p.raw !== undefined);
  if (answered.length === 0) return {};
  const withIssue = (kind: string) => answered.filter((p) => p.issues?.some((i) => i.kind === kind)).length;
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
