import { resolve } from 'node:path';
import type { Sentence } from '../../../harness/data/types.ts';
import type { PredictContext } from '../../../harness/methods/method.ts';
import type { SkillLlmParams } from '../params.ts';
import { readGeneratedPredictions, wantedAnswers } from './generated-predictions.ts';

/** A split's answers from an existing generated_predictions.jsonl (what a GPU cluster produced). */
export async function* importedAnswers(
  ctx: PredictContext<SkillLlmParams>,
  sentences: readonly Sentence[],
): AsyncIterable<{ sentence: Sentence; raw: string }> {
  const file = ctx.params.predictions?.[ctx.split];
  if (!file)
    throw new Error(
      `no generated_predictions.jsonl for the ${ctx.split} split (params.predictions.${ctx.split})`,
    );
  const answers = readGeneratedPredictions(resolve(ctx.baseDir, file), ctx.splitSentences, ctx.params.marker);
  yield* wantedAnswers(ctx.splitSentences, answers, sentences);
}
