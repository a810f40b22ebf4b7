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
import { f1Metric } from './f1-metrics.ts';
import { mulberry32 } from './prng.ts';
import { blockStats, type ResampleUnit, resamplingBlocks } from './resampling.ts';
import { computeSentenceStats, type SentenceStats, STAT_COUNT, sumRows } from './sentence-stats.ts';

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

/** Keeps only `columns` of a row-major STAT_COUNT matrix (a metric reads a handful of columns). */
function project(matrix: Float64Array, rows: number, columns: readonly number[]): Float64Array {
  const out = new Float64Array(rows * columns.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++)
      out[r * columns.length + c] = matrix[r * STAT_COUNT + columns[c]];
  }
  return out;
}

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
  const method = options.method ?? 'bootstrap';
  const unit = options.unit ?? 'sentence';
  const resamples = options.resamples ?? 10000;
  const seed = options.seed ?? 0;
  const blocks = resamplingBlocks(gold, unit);
  const units = blocks.length - 1;
  const width = columns.length;
  const rowsA = project(blockStats(statsA, blocks), units, columns);
  const rowsB = project(blockStats(statsB, blocks), units, columns);
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

  const random = mulberry32(seed);
  let extreme = 0;
  if (method === 'bootstrap') {
    const drawn = new Int32Array(units);
    for (let r = 0; r < resamples; r++) {
      drawn.fill(0);
      for (let k = 0; k < units; k++) drawn[random.int(units)]++;
      sumA.fill(0);
      sumB.fill(0);
      for (let u = 0; u < units; u++) {
        const times = drawn[u];
        if (times === 0) continue;
        for (let c = 0; c < width; c++) {
          sumA[c] += times * rowsA[u * width + c];
          sumB[c] += times * rowsB[u * width + c];
        }
      }
      if (Math.abs(deltaOf() - observed) >= Math.abs(observed) - EPSILON) extreme++;
    }
  } else {
    // Swapping a unit moves (B_u - A_u) from B's totals to A's; units where A and B agree never matter.
    const differing: number[] = [];
    for (let u = 0; u < units; u++) {
      for (let c = 0; c < width; c++) {
        if (rowsA[u * width + c] !== rowsB[u * width + c]) {
          differing.push(u);
          break;
        }
      }
    }
    const baseA = project(fullA, 1, columns);
    const baseB = project(fullB, 1, columns);
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
  return pairedTestFromStats(
    computeSentenceStats(gold, predictionsA),
    computeSentenceStats(gold, predictionsB),
    gold,
    options,
  );
}
