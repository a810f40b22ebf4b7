/**
 * Percentile bootstrap confidence intervals for every headline F1 (harness/eval/f1-metrics.ts).
 * Resampling draws units (sentences, or documents: see resampling.ts) with replacement and sums
 * their precomputed statistics, so one resample costs one pass over the drawn units' rows.
 *
 * nereval is a sequential pass over the whole file; a resample is scored from per-sentence counts
 * that attribute each chunk to the sentence holding its first token (see nereval.ts). This is an
 * approximation that only matters for chunks crossing a sentence boundary.
 */

import type { Sentence } from '../data/types.ts';
import { F1_METRIC_NAMES, f1Metric } from './f1-metrics.ts';
import { mulberry32, type Random } from './prng.ts';
import { addRow, blockStats, type ResampleUnit, resamplingBlocks } from './resampling.ts';
import { type SentenceStats, STAT_COUNT, sumRows } from './sentence-stats.ts';

export interface BootstrapOptions {
  resamples: number;
  seed?: number;
  /** 0.95 by default */
  level?: number;
  unit?: ResampleUnit;
  /** which F1 values get an interval (every headline F1 by default) */
  metrics?: readonly string[];
}

export interface ConfidenceInterval {
  /** the F1 on the full data */
  estimate: number;
  lower: number;
  upper: number;
}

export interface BootstrapResult {
  method: 'percentile bootstrap';
  level: number;
  resamples: number;
  seed: number;
  unit: ResampleUnit;
  /** how many units (sentences or documents) each resample draws */
  units: number;
  description: string;
  f1: Record<string, ConfidenceInterval>;
}

export const BOOTSTRAP_DESCRIPTION =
  'Percentile bootstrap: units drawn with replacement, F1 recomputed from summed per-sentence counts; ' +
  'interval bounds are the linear-interpolated quantiles of the resampled F1 values. ' +
  'nereval is approximated: each chunk is attributed to the sentence holding its first token, ' +
  'so a resample keeps the chunk boundaries of the full file (differs only for chunks crossing a sentence boundary).';

/** Draws `units` block indices with replacement and returns the summed statistics. */
export function resampleTotals(
  blocks: Float64Array,
  units: number,
  random: Random,
  drawn: Int32Array,
): Float64Array {
  drawn.fill(0);
  for (let k = 0; k < units; k++) drawn[random.int(units)]++;
  const totals = new Float64Array(STAT_COUNT);
  for (let b = 0; b < units; b++) if (drawn[b] > 0) addRow(totals, blocks, b, drawn[b]);
  return totals;
}

/** numpy's default ('linear') quantile of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** `stats` from computeSentenceStats over `gold` (whose docIds make the document blocks). */
export function bootstrapConfidenceIntervals(
  stats: SentenceStats,
  gold: readonly Pick<Sentence, 'docId'>[],
  options: BootstrapOptions,
): BootstrapResult {
  const unit = options.unit ?? 'sentence';
  const blocks = resamplingBlocks(gold, unit);
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  const names = options.metrics ?? F1_METRIC_NAMES;
  const metrics = names.map((name) => f1Metric(name).compute);
  const perBlock = blockStats(stats, blocks);
  const units = blocks.length - 1;
  const random = mulberry32(seed);
  const drawn = new Int32Array(units);
  const samples = names.map(() => new Float64Array(options.resamples));
  for (let r = 0; r < options.resamples; r++) {
    const totals = resampleTotals(perBlock, units, random, drawn);
    for (let m = 0; m < metrics.length; m++) samples[m][r] = metrics[m](totals);
  }
  const full = sumRows(stats);
  const alpha = 1 - level;
  const f1: Record<string, ConfidenceInterval> = {};
  names.forEach((name, m) => {
    const sorted = samples[m].sort();
    f1[name] = {
      estimate: metrics[m](full),
      lower: quantile(sorted, alpha / 2),
      upper: quantile(sorted, 1 - alpha / 2),
    };
  });
  return {
    method: 'percentile bootstrap',
    level,
    resamples: options.resamples,
    seed,
    unit,
    units,
    description: BOOTSTRAP_DESCRIPTION,
    f1,
  };
}
