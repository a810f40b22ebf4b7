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
import { checkMetricColumns, F1_METRIC_NAMES, f1Metric } from './f1-metrics.ts';
import { type ResampleUnit, resampledColumnSums, resamplingBlocks } from './resampling.ts';
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

/** numpy's default ('linear') quantile of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * `stats` from computeSentenceStats over `gold` (whose docIds make the document blocks). A
 * resample sums only the columns the requested metrics read.
 */
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
  checkMetricColumns(stats, names);
  const metrics = names.map((name) => f1Metric(name).compute);
  const columns = [...new Set(names.flatMap((name) => f1Metric(name).columns))].sort((a, b) => a - b);
  const width = columns.length;
  const units = blocks.length - 1;
  // each column's sum in every resample (made once per statistics, seed and resample count)
  const sums = resampledColumnSums(stats, blocks, columns, options.resamples, seed);
  const samples = names.map(() => new Float64Array(options.resamples));
  // the metrics read full-width totals; only their columns are ever filled in
  const totals = new Float64Array(STAT_COUNT);
  for (let r = 0; r < options.resamples; r++) {
    for (let c = 0; c < width; c++) totals[columns[c]] = sums[c][r];
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
