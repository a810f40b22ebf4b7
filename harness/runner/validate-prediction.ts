import type { Prediction, Sentence } from '../data/types.ts';
import { isLabel } from '../data/types.ts';

/**
 * Checks a prediction a method produced against its sentence. A method that yields a malformed
 * prediction has a bug: the run fails with a message that says which sentence and what is wrong,
 * rather than scoring garbage.
 */
export function checkPrediction(
  prediction: Prediction,
  sentence: Sentence | undefined,
  method: string,
): void {
  const where = `method "${method}", prediction for ${prediction?.id ?? '(no id)'}`;
  if (!sentence)
    throw new Error(`${where}: not one of the sentences it was asked to predict (or predicted twice)`);
  if (!Array.isArray(prediction.spans)) throw new Error(`${where}: spans is not an array`);
  for (const span of prediction.spans) {
    if (!isLabel(span.label)) throw new Error(`${where}: unknown label ${JSON.stringify(span.label)}`);
    if (
      !Number.isInteger(span.start) ||
      !Number.isInteger(span.end) ||
      span.start < 0 ||
      span.end > sentence.tokens.length ||
      span.end <= span.start
    ) {
      throw new Error(
        `${where}: span [${span.start}, ${span.end}) is not inside its ${sentence.tokens.length} tokens`,
      );
    }
  }
  if (prediction.bio) {
    for (const [label, tags] of Object.entries(prediction.bio)) {
      if (tags.length !== sentence.tokens.length) {
        throw new Error(`${where}: ${tags.length} ${label} tags for ${sentence.tokens.length} tokens`);
      }
    }
  }
}
