import type { Prediction, Sentence } from '../../harness/data/types.ts';
import type { DecodeOptions } from './decode.ts';
import { entitiesOf, type TextLogits, tokenSpans } from './predict.ts';

/** The dev sweep: re-decoding cached logits (not post-filtering one decoding, as the notebook did). */
export const THRESHOLD_PROCEDURE =
  'dev logits computed once, re-decoded (flat greedy, p > t) at every grid threshold, scored with nervaluate strict (token spans); the best F1 wins, the lowest threshold on ties';

export interface ThresholdChoice {
  threshold: number;
  f1: number;
  procedure: string;
  /** dev nervaluate strict F1 by threshold */
  curve: [number, number][];
}

/** Predictions of sentences from their cached logits at one threshold. */
export function decodePredictions(
  sentences: readonly Sentence[],
  logits: readonly TextLogits[],
  labels: readonly string[],
  options: DecodeOptions,
): Prediction[] {
  return sentences.map((sentence, i) => ({
    id: sentence.id,
    spans: tokenSpans(sentence.tokens, entitiesOf(logits[i], labels, options)),
  }));
}

export function chooseThreshold(
  sentences: readonly Sentence[],
  logits: readonly TextLogits[],
  labels: readonly string[],
  grid: readonly number[],
  flat: boolean,
  score: (predictions: Prediction[]) => number,
): ThresholdChoice {
  const curve: [number, number][] = grid.map((threshold) => [
    threshold,
    score(decodePredictions(sentences, logits, labels, { threshold, flat })),
  ]);
  let best = curve[0];
  for (const point of curve)
    if (point[1] > best[1] || (point[1] === best[1] && point[0] < best[0])) best = point;
  return { threshold: best[0], f1: best[1], procedure: THRESHOLD_PROCEDURE, curve };
}
