/**
 * Per-sentence sufficient statistics of all three protocols, one fixed-length row per sentence.
 * Every headline number is a function of the column sums, so the point scores, per-source scores
 * of a subset, bootstrap resamples and paired tests all come from the same rows: summing rows is
 * all a resample costs.
 */
import { type BioLayers, LABELS, type Prediction, type Sentence } from '../data/types.ts';
import { spansToBio } from '../spans/bio.ts';
import { NEREVAL_STAT_COUNT, nerevalFromCounts, nerevalSentenceCounts } from './nereval.ts';
import { countNervaluateSentence, NERVALUATE_STAT_COUNT, nervaluateFromCounts } from './nervaluate.ts';
import { countSetSentence, SET_STAT_COUNT, setFromCounts } from './set-f1.ts';
import type { ProtocolResults } from './types.ts';

export const STAT_OFFSETS = {
  nervaluate: 0,
  nereval: NERVALUATE_STAT_COUNT,
  set: NERVALUATE_STAT_COUNT + NEREVAL_STAT_COUNT,
} as const;
export const STAT_COUNT = NERVALUATE_STAT_COUNT + NEREVAL_STAT_COUNT + SET_STAT_COUNT;

/** How the predictions' spans were written as BIO for nereval (a column holds no overlaps). */
export interface NerevalEncodingCounts {
  /** same-label spans that overlap a span already written (leftmost-longest wins) */
  dropped_overlapping_same_label: number;
  /** exact repeats of a span already written */
  duplicates_collapsed: number;
}

export interface SentenceStats {
  /** number of sentences (rows) */
  sentences: number;
  /** row-major, STAT_COUNT numbers per sentence */
  rows: Float64Array;
  encoding: NerevalEncodingCounts;
  /** the BIO layers nereval read, per sentence (needed to rerun nereval on a subset) */
  goldBio?: BioLayers[];
  predBio?: BioLayers[];
}

/** The layers nereval reads for a prediction: its own tags when it came as BIO, else encoded spans. */
export function predictionLayers(
  prediction: Prediction,
  length: number,
  encoding: NerevalEncodingCounts,
): BioLayers {
  if (prediction.bio) return prediction.bio;
  const layers = {} as BioLayers;
  for (const label of LABELS) {
    const encoded = spansToBio(
      prediction.spans.filter((span) => span.label === label),
      length,
    );
    encoding.dropped_overlapping_same_label += encoded.dropped.length;
    encoding.duplicates_collapsed += encoded.duplicates.length;
    layers[label] = encoded.tags;
  }
  return layers;
}

/** The gold as nereval reads it: its spans written as one BIO column per label. */
export function goldLayers(sentence: Sentence): BioLayers {
  const layers = {} as BioLayers;
  for (const label of LABELS) {
    layers[label] = spansToBio(
      sentence.spans.filter((span) => span.label === label),
      sentence.tokens.length,
    ).tags;
  }
  return layers;
}

/** A prediction that does not fit its sentence is a bug upstream: fail loudly, never score it. */
function checkPrediction(sentence: Sentence, prediction: Prediction): void {
  const length = sentence.tokens.length;
  for (const span of prediction.spans) {
    if (!(span.start >= 0 && span.start < span.end && span.end <= length)) {
      throw new Error(
        `prediction for ${sentence.id}: span ${JSON.stringify(span)} does not fit ${length} tokens`,
      );
    }
  }
  if (prediction.bio && LABELS.some((label) => prediction.bio?.[label].length !== length)) {
    throw new Error(`prediction for ${sentence.id}: BIO tags do not have ${length} tags per layer`);
  }
}

/**
 * One row of statistics per sentence. `predictions[i]` is the prediction for `gold[i]` (aligned by
 * position). nereval runs over the sentences in the given order, as one file.
 */
export function computeSentenceStats(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
): SentenceStats {
  if (predictions.length !== gold.length) {
    throw new Error(`${predictions.length} predictions for ${gold.length} gold sentences`);
  }
  const rows = new Float64Array(gold.length * STAT_COUNT);
  const encoding: NerevalEncodingCounts = { dropped_overlapping_same_label: 0, duplicates_collapsed: 0 };
  const goldBio: BioLayers[] = [];
  const predBio: BioLayers[] = [];
  for (let i = 0; i < gold.length; i++) {
    const sentence = gold[i];
    const prediction = predictions[i];
    checkPrediction(sentence, prediction);
    const row = i * STAT_COUNT;
    countNervaluateSentence(sentence.spans, prediction.spans, rows, row + STAT_OFFSETS.nervaluate);
    countSetSentence(sentence.spans, prediction.spans, rows, row + STAT_OFFSETS.set);
    goldBio.push(goldLayers(sentence));
    predBio.push(predictionLayers(prediction, sentence.tokens.length, encoding));
  }
  nerevalSentenceCounts(goldBio, predBio, rows, STAT_COUNT, STAT_OFFSETS.nereval);
  return { sentences: gold.length, rows, encoding, goldBio, predBio };
}

/** Column sums of the given rows (all rows when `indices` is omitted; repeats count again). */
export function sumRows(stats: SentenceStats, indices?: ArrayLike<number>): Float64Array {
  const totals = new Float64Array(STAT_COUNT);
  const { rows } = stats;
  const count = indices ? indices.length : stats.sentences;
  for (let k = 0; k < count; k++) {
    const base = (indices ? indices[k] : k) * STAT_COUNT;
    for (let j = 0; j < STAT_COUNT; j++) totals[j] += rows[base + j];
  }
  return totals;
}

/**
 * Column sums of a subset of sentences scored as a file of their own: nervaluate and set are
 * per-sentence sums, but nereval reads the subset as one sequence (as the perl script would read a
 * file holding only those sentences), so its columns are recomputed.
 */
export function subsetTotals(stats: SentenceStats, indices: readonly number[]): Float64Array {
  const { goldBio, predBio } = stats;
  if (!goldBio || !predBio || predBio.length !== stats.sentences) {
    throw new Error('subsetTotals: these statistics carry no BIO layers (use computeSentenceStats)');
  }
  const totals = sumRows(stats, indices);
  const nereval = nerevalSentenceCounts(
    indices.map((i) => goldBio[i]),
    indices.map((i) => predBio[i]),
  );
  totals.fill(0, STAT_OFFSETS.nereval, STAT_OFFSETS.nereval + NEREVAL_STAT_COUNT);
  for (let k = 0; k < nereval.length; k++)
    totals[STAT_OFFSETS.nereval + (k % NEREVAL_STAT_COUNT)] += nereval[k];
  return totals;
}

/** All three protocols from column sums. */
export function protocolsFromTotals(totals: ArrayLike<number>): ProtocolResults {
  return {
    nervaluate: nervaluateFromCounts(totals, STAT_OFFSETS.nervaluate),
    nereval: nerevalFromCounts(totals, STAT_OFFSETS.nereval),
    set: setFromCounts(totals, STAT_OFFSETS.set),
  };
}
