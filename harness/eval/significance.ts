/**
 * Paired significance tests between two methods scored on the same gold sentences, for any
 * headline F1 (harness/eval/f1-metrics.ts). Both work on per-sentence statistics, resampling
 * sentences or documents (runs of sentences sharing idx), seeded:
 * - paired bootstrap (Berg-Kirkpatrick et al. 2012, two-sided shifted form): draw units with
 *   replacement, d* = F1_A(sample) − F1_B(sample); p = (1 + #{|d* − d| ≥ |d|}) / (R + 1);
 * - approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): swap A and B within each
 *   unit with probability 1/2, d* as above; p = (1 + #{|d*| ≥ |d|}) / (R + 1).
 * Identical systems give d = 0 and p = 1. For nereval the per-sentence statistics are the
 * attribution described in nereval.ts (an approximation for chunks crossing sentence boundaries).
 */
import type { Prediction, Sentence } from '../data/types.ts';
import { checkMetricColumns, f1Metric } from './f1-metrics.ts';
import { mulberry32 } from './prng.ts';
import { blockStats, type ResampleUnit, resampledColumnSums, resamplingBlocks } from './resampling.ts';
import {
  computeSentenceStats,
  PROTOCOL_NAMES,
  type ProtocolName,
  prepareGold,
  type SentenceStats,
  STAT_COUNT,
  sumRows,
} from './sentence-stats.ts';

export type PairedTestMethod = 'bootstrap' | 'randomization';

export interface PairedTestOptions {
  /** a headline F1 name, e.g. `nervaluate.overall.strict.f1` (default) or `set.macro_f1` */
  metric?: string;
  method?: PairedTestMethod;
  /** 10000 by default */
  resamples?: number;
  seed?: number;
  unit?: ResampleUnit;
}

export interface PairedTestResult {
  metric: string;
  method: PairedTestMethod;
  unit: ResampleUnit;
  resamples: number;
  seed: number;
  /** the metric of system A and of system B on the full data */
  a: number;
  b: number;
  /** a − b */
  difference: number;
  /** two-sided */
  p_value: number;
}

/** Ties within floating-point noise count as "at least as extreme" (so identical systems give p = 1). */
const EPSILON = 1e-12;

/** Tests A against B given their per-sentence statistics over the same `gold` sentences. */
export function pairedTestFromStats(
  statsA: SentenceStats,
  statsB: SentenceStats,
  gold: readonly Pick<Sentence, 'docId'>[],
  options: PairedTestOptions = {},
): PairedTestResult {
  if (statsA.sentences !== statsB.sentences || statsA.sentences !== gold.length) {
    throw new Error('paired test: both systems must be scored on the same gold sentences');
  }
  const metricName = options.metric ?? 'nervaluate.overall.strict.f1';
  const { compute, columns } = f1Metric(metricName);
  checkMetricColumns(statsA, [metricName]);
  checkMetricColumns(statsB, [metricName]);
  const method = options.method ?? 'bootstrap';
  const unit = options.unit ?? 'sentence';
  const resamples = options.resamples ?? 10000;
  const seed = options.seed ?? 0;
  const blocks = resamplingBlocks(gold, unit);
  const units = blocks.length - 1;
  const width = columns.length;
  const fullA = sumRows(statsA);
  const fullB = sumRows(statsB);
  const a = compute(fullA);
  const b = compute(fullB);
  const observed = a - b;

  // The metric reads full-width totals; only its columns are ever filled in.
  const totalsA = new Float64Array(STAT_COUNT);
  const totalsB = new Float64Array(STAT_COUNT);
  const sumA = new Float64Array(width);
  const sumB = new Float64Array(width);
  const deltaOf = () => {
    for (let c = 0; c < width; c++) {
      totalsA[columns[c]] = sumA[c];
      totalsB[columns[c]] = sumB[c];
    }
    return compute(totalsA) - compute(totalsB);
  };

  let extreme = 0;
  if (method === 'bootstrap') {
    // each system's column sums per resample: the same draws as bootstrapConfidenceIntervals with
    // this seed, made once per statistics (a system tested against many shares them)
    const resampledA = resampledColumnSums(statsA, blocks, columns, resamples, seed);
    const resampledB = resampledColumnSums(statsB, blocks, columns, resamples, seed);
    for (let r = 0; r < resamples; r++) {
      for (let c = 0; c < width; c++) {
        sumA[c] = resampledA[c][r];
        sumB[c] = resampledB[c][r];
      }
      if (Math.abs(deltaOf() - observed) >= Math.abs(observed) - EPSILON) extreme++;
    }
  } else {
    // Swapping a unit moves (B_u - A_u) from B's totals to A's; units where A and B agree never matter.
    const rowsA = blockStats(statsA, blocks, columns);
    const rowsB = blockStats(statsB, blocks, columns);
    const differing: number[] = [];
    for (let u = 0; u < units; u++) {
      for (let c = 0; c < width; c++) {
        if (rowsA[u * width + c] !== rowsB[u * width + c]) {
          differing.push(u);
          break;
        }
      }
    }
    const baseA = Float64Array.from(columns, (column) => fullA[column]);
    const baseB = Float64Array.from(columns, (column) => fullB[column]);
    const random = mulberry32(seed);
    for (let r = 0; r < resamples; r++) {
      sumA.set(baseA);
      sumB.set(baseB);
      for (const u of differing) {
        if (random.next() >= 0.5) continue;
        for (let c = 0; c < width; c++) {
          const moved = rowsB[u * width + c] - rowsA[u * width + c];
          sumA[c] += moved;
          sumB[c] -= moved;
        }
      }
      if (Math.abs(deltaOf()) >= Math.abs(observed) - EPSILON) extreme++;
    }
  }
  return {
    metric: metricName,
    method,
    unit,
    resamples,
    seed,
    a,
    b,
    difference: observed,
    p_value: (1 + extreme) / (1 + resamples),
  };
}

/** Tests predictions A against predictions B, both aligned by position with `gold`. */
export function pairedTest(
  gold: readonly Sentence[],
  predictionsA: readonly Prediction[],
  predictionsB: readonly Prediction[],
  options: PairedTestOptions = {},
): PairedTestResult {
  // the gold is prepared once for both systems, and only the metric's protocol is computed
  const prepared = prepareGold(gold);
  const protocol = (options.metric ?? 'nervaluate').split('.')[0] as ProtocolName;
  const statsOptions = PROTOCOL_NAMES.includes(protocol) ? { protocols: [protocol] } : {};
  return pairedTestFromStats(
    computeSentenceStats(prepared, predictionsA, statsOptions),
    computeSentenceStats(prepared, predictionsB, statsOptions),
    gold,
    options,
  );
}
