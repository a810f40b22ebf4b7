/**
 * Writes predictions as span JSONL, the form readPredictionFile reads back: one line per
 * sentence, `end` INCLUSIVE, spans in the order the method produced them (nervaluate depends on
 * it). BIO predictions are written as their spans; their raw tags are not kept.
 */
import { writeFileSync } from 'node:fs';
import type { Prediction, Sentence } from '../data/types.ts';

/** One line of span JSONL (without the newline); `sentence` adds its idx for alignment checks. */
export function spanPredictionLine(prediction: Prediction, sentence?: Pick<Sentence, 'docId'>): string {
  const row: Record<string, unknown> = {};
  if (sentence) row.idx = sentence.docId;
  row.spans = prediction.spans.map((span) => ({ label: span.label, start: span.start, end: span.end - 1 }));
  if (prediction.raw !== undefined) row.raw = prediction.raw;
  if (prediction.issues?.length) row.issues = prediction.issues;
  return JSON.stringify(row);
}

export function formatSpanJsonl(
  predictions: readonly Prediction[],
  gold?: readonly Pick<Sentence, 'docId'>[],
): string {
  return predictions.map((prediction, i) => `${spanPredictionLine(prediction, gold?.[i])}\n`).join('');
}

/** `predictions[i]` is for `gold[i]` when gold is given (its idx is written on each line). */
export function writeSpanJsonl(
  path: string,
  predictions: readonly Prediction[],
  gold?: readonly Pick<Sentence, 'docId'>[],
): void {
  writeFileSync(path, formatSpanJsonl(predictions, gold));
}

/**
 * One line in the form that keeps everything the scorers read: BIO predictions as their tags
 * (nereval reads tags as written, across sentence boundaries), span predictions as spans.
 */
export function predictionLine(prediction: Prediction, sentence?: Pick<Sentence, 'docId'>): string {
  if (!prediction.bio) return spanPredictionLine(prediction, sentence);
  const row: Record<string, unknown> = {};
  if (sentence) row.idx = sentence.docId;
  row.tags_skill = prediction.bio.SKILL;
  row.tags_knowledge = prediction.bio.KNOWLEDGE;
  if (prediction.raw !== undefined) row.raw = prediction.raw;
  if (prediction.issues?.length) row.issues = prediction.issues;
  return JSON.stringify(row);
}

/** Predictions as JSONL that re-scores to the same numbers (see predictionLine). */
export function writePredictionJsonl(
  path: string,
  predictions: readonly Prediction[],
  gold?: readonly Pick<Sentence, 'docId'>[],
): void {
  writeFileSync(
    path,
    predictions.map((prediction, i) => `${predictionLine(prediction, gold?.[i])}\n`).join(''),
  );
}
