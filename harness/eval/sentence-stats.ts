/**
 * Per-sentence sufficient statistics of all three protocols, one fixed-length row per sentence
 * (kept only for sentences with a span or tag on some side: the others count nothing). Every
 * headline number is a function of the column sums, so the point scores, per-source scores of a
 * subset, bootstrap resamples and paired tests all come from the same rows: summing rows is all a
 * resample costs.
 *
 * Speed (the report scores hundreds of runs against one split): what depends only on the gold is
 * prepared once (prepareGold) and shared; spans are read as typed columns (span-table.ts,
 * bio-columns.ts) with no allocation per sentence; a caller may ask for some protocols only.
 */
import { LABELS, type Prediction, type Sentence } from '../data/types.ts';
import {
  type BioColumns,
  type EncodingTally,
  emptyBioColumns,
  tokenOffsets,
  writeSpans,
  writeTags,
} from './bio-columns.ts';
import { NEREVAL_STAT_COUNT, nerevalCountsPrepared, nerevalFromCounts } from './nereval.ts';
import {
  countNervaluatePrepared,
  NERVALUATE_STAT_COUNT,
  type NervaluateGold,
  nervaluateFromCounts,
  nervaluateGold,
} from './nervaluate.ts';
import { countSetPrepared, SET_STAT_COUNT, setFromCounts, setGoldSizes } from './set-f1.ts';
import { type SpanTable, spanTable } from './span-table.ts';
import type { ProtocolResults } from './types.ts';

export const STAT_OFFSETS = {
  nervaluate: 0,
  nereval: NERVALUATE_STAT_COUNT,
  set: NERVALUATE_STAT_COUNT + NEREVAL_STAT_COUNT,
} as const;
export const STAT_COUNT = NERVALUATE_STAT_COUNT + NEREVAL_STAT_COUNT + SET_STAT_COUNT;

// Module constants for the loops below: under tsx/ESM every read of an imported binding is a
// getter call, several times slower than a local constant.
const STATS = STAT_COUNT;
const NERVALUATE_AT = STAT_OFFSETS.nervaluate;
const NEREVAL_AT = STAT_OFFSETS.nereval;
const SET_AT = STAT_OFFSETS.set;
const NEREVAL_COLUMNS = NEREVAL_STAT_COUNT;
const LABEL_COUNT = LABELS.length;

export const PROTOCOL_NAMES = ['nervaluate', 'nereval', 'set'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** How the predictions' spans were written as BIO for nereval (a column holds no overlaps). */
export interface NerevalEncodingCounts {
  /** same-label spans that overlap a span already written (leftmost-longest wins) */
  dropped_overlapping_same_label: number;
  /** exact repeats of a span already written */
  duplicates_collapsed: number;
}

export interface SentenceStats {
  /** number of sentences */
  sentences: number;
  /**
   * Row-major, STAT_COUNT numbers per row: one row per sentence, or, when `rowSentences` is
   * given, one row per sentence listed there (every other sentence's statistics are all 0).
   */
  rows: Float64Array;
  /**
   * The sentence of each row, ascending (computeSentenceStats keeps rows only for sentences with
   * a gold span, a predicted span or predicted BIO tags: a sentence with none counts nothing).
   */
  rowSentences?: Int32Array;
  /** counted when nereval's columns are computed (zero otherwise) */
  encoding: NerevalEncodingCounts;
  /** the protocols whose columns are filled (all three when omitted); the others stay 0 */
  protocols?: readonly ProtocolName[];
  /** the BIO columns nereval read (needed to rerun nereval on a subset) */
  nerevalColumns?: { gold: BioColumns; guessed: BioColumns };
}

/** The row of each sentence (-1: no row, all 0). */
export function rowIndex(stats: SentenceStats): Int32Array {
  const index = new Int32Array(stats.sentences);
  if (!stats.rowSentences) {
    for (let s = 0; s < index.length; s++) index[s] = s;
    return index;
  }
  index.fill(-1);
  stats.rowSentences.forEach((sentence, row) => {
    index[sentence] = row;
  });
  return index;
}

/**
 * Everything the statistics need from the gold alone, computed once and shared by every system
 * scored against the same sentences (the report scores hundreds of runs against one test split).
 */
export interface PreparedGold {
  sentences: readonly Sentence[];
  /** tokens per sentence */
  lengths: Int32Array;
  /** gold spans in nervaluate's order (the set protocol reads them too: its order is irrelevant) */
  spans: NervaluateGold;
  /** distinct gold extents per sentence and label (set protocol) */
  setSizes: Int32Array;
  /** the gold as nereval reads it: its spans written as one BIO column per label */
  bio: BioColumns;
}

export function prepareGold(gold: readonly Sentence[]): PreparedGold {
  const lengths = Int32Array.from(gold, (sentence) => sentence.tokens.length);
  for (const sentence of gold) {
    for (const span of sentence.spans) {
      if (!(span.start >= 0 && span.start < span.end && span.end <= sentence.tokens.length)) {
        throw new Error(
          `gold ${sentence.id}: span ${JSON.stringify(span)} does not fit ${sentence.tokens.length} tokens`,
        );
      }
    }
  }
  const spans = nervaluateGold(gold);
  const bio = emptyBioColumns(tokenOffsets(lengths));
  const ignored: EncodingTally = { dropped: 0, duplicates: 0 };
  for (let s = 0; s < gold.length; s++) {
    for (let level = 0; level < LABEL_COUNT; level++) writeSpans(bio, s, level, spans, s, ignored);
  }
  return { sentences: gold, lengths, spans, setSizes: setGoldSizes(spans), bio };
}

function isPrepared(gold: readonly Sentence[] | PreparedGold): gold is PreparedGold {
  return !Array.isArray(gold);
}

/**
 * The predictions' spans as one table (span-table.ts), checked on the way: a prediction that does
 * not fit its sentence is a bug upstream: fail loudly, never score it.
 */
function predictionTable(
  sentences: readonly Sentence[],
  lengths: Int32Array,
  predictions: readonly Prediction[],
): SpanTable {
  for (let i = 0; i < predictions.length; i++) {
    const prediction = predictions[i];
    const length = lengths[i];
    for (const span of prediction.spans) {
      if (!(span.start >= 0 && span.start < span.end && span.end <= length)) {
        throw new Error(
          `prediction for ${sentences[i].id}: span ${JSON.stringify(span)} does not fit ${length} tokens`,
        );
      }
    }
    if (prediction.bio && LABELS.some((label) => prediction.bio?.[label].length !== length)) {
      throw new Error(`prediction for ${sentences[i].id}: BIO tags do not have ${length} tags per layer`);
    }
  }
  return spanTable(predictions);
}

export interface SentenceStatsOptions {
  /** compute only these protocols' columns (all three by default); the others stay 0 */
  protocols?: readonly ProtocolName[];
}

/**
 * One row of statistics per sentence. `predictions[i]` is the prediction for sentence i of `gold`
 * (aligned by position); `gold` may be prepared once (prepareGold) for many systems. nereval runs
 * over the sentences in the given order, as one file.
 */
export function computeSentenceStats(
  gold: readonly Sentence[] | PreparedGold,
  predictions: readonly Prediction[],
  options: SentenceStatsOptions = {},
): SentenceStats {
  const prepared = isPrepared(gold) ? gold : prepareGold(gold);
  const { sentences, lengths } = prepared;
  const count = sentences.length;
  if (predictions.length !== count) {
    throw new Error(`${predictions.length} predictions for ${count} gold sentences`);
  }
  const protocols = options.protocols ?? PROTOCOL_NAMES;
  const pred = predictionTable(sentences, lengths, predictions);
  // only sentences with something on either side can count anything: only they get a row
  const goldOffsets = prepared.spans.offsets;
  const predOffsets = pred.offsets;
  const rowOf = new Int32Array(count).fill(-1);
  const listed: number[] = [];
  for (let i = 0; i < count; i++) {
    if (goldOffsets[i + 1] > goldOffsets[i] || predOffsets[i + 1] > predOffsets[i] || predictions[i].bio) {
      rowOf[i] = listed.length;
      listed.push(i);
    }
  }
  const rowSentences = Int32Array.from(listed);
  const rows = new Float64Array(rowSentences.length * STATS);
  const encoding: NerevalEncodingCounts = { dropped_overlapping_same_label: 0, duplicates_collapsed: 0 };
  const stats: SentenceStats = { sentences: count, rows, rowSentences, encoding };
  if (options.protocols) stats.protocols = [...protocols];
  if (protocols.includes('nervaluate')) {
    const gold = prepared.spans;
    for (let k = 0; k < rowSentences.length; k++) {
      const i = rowSentences[k];
      countNervaluatePrepared(gold, i, pred, i, rows, k * STATS + NERVALUATE_AT);
    }
  }
  if (protocols.includes('set')) {
    const gold = prepared.spans;
    const sizes = prepared.setSizes;
    for (let k = 0; k < rowSentences.length; k++) {
      const i = rowSentences[k];
      countSetPrepared(gold, sizes, i, pred, i, rows, k * STATS + SET_AT);
    }
  }
  if (protocols.includes('nereval')) {
    const guessed = emptyBioColumns(prepared.bio.offsets);
    const tally: EncodingTally = { dropped: 0, duplicates: 0 };
    for (let k = 0; k < rowSentences.length; k++) {
      const i = rowSentences[k];
      const bio = predictions[i].bio;
      for (let level = 0; level < LABEL_COUNT; level++) {
        // a prediction that came as BIO is read as written; spans are encoded
        if (bio) writeTags(guessed, i, level, bio[LABELS[level]]);
        else writeSpans(guessed, i, level, pred, i, tally);
      }
    }
    encoding.dropped_overlapping_same_label = tally.dropped;
    encoding.duplicates_collapsed = tally.duplicates;
    // every sentence is read (chunks run across sentences); counts land in the rows of the
    // sentences where chunks start, which always have one
    nerevalCountsPrepared(prepared.bio, guessed, rows, STATS, NEREVAL_AT, undefined, rowOf);
    stats.nerevalColumns = { gold: prepared.bio, guessed };
  }
  return stats;
}

/**
 * Column sums of the given sentences (every sentence when `indices` is omitted; repeats count
 * again).
 */
export function sumRows(stats: SentenceStats, indices?: ArrayLike<number>): Float64Array {
  const totals = new Float64Array(STATS);
  const { rows } = stats;
  if (!indices) {
    const count = rows.length / STATS;
    for (let k = 0; k < count; k++) {
      const base = k * STATS;
      for (let j = 0; j < STATS; j++) totals[j] += rows[base + j];
    }
    return totals;
  }
  const rowOf = stats.rowSentences ? rowIndex(stats) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const row = rowOf ? rowOf[indices[k]] : indices[k];
    if (row < 0) continue;
    const base = row * STATS;
    for (let j = 0; j < STATS; j++) totals[j] += rows[base + j];
  }
  return totals;
}

/**
 * Column sums of a subset of sentences scored as a file of their own: nervaluate and set are
 * per-sentence sums, but nereval reads the subset as one sequence (as the perl script would read a
 * file holding only those sentences), so its columns are recomputed.
 */
export function subsetTotals(stats: SentenceStats, indices: readonly number[]): Float64Array {
  const columns = stats.nerevalColumns;
  if (!columns) {
    throw new Error(
      'subsetTotals: these statistics carry no BIO columns (use computeSentenceStats with nereval)',
    );
  }
  const totals = sumRows(stats, indices);
  totals.fill(0, NEREVAL_AT, NEREVAL_AT + NEREVAL_COLUMNS);
  // stride 0: every sentence's counts land in the one row of totals
  nerevalCountsPrepared(columns.gold, columns.guessed, totals, 0, NEREVAL_AT, indices);
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
