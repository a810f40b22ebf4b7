/**
 * Each row against the best row of its test set (highest mean total F1, headline protocol), with
 * the eval module's paired tests (harness/eval/significance.ts) on the same test sentences.
 *
 * Seeds: the marker comes from ONE test per row on seed-pooled statistics (run-scoring.ts): the
 * statistic is the difference of the F1 of all seeds' predictions pooled, and every resample (or
 * swap) moves a test unit's predictions of all seeds together. It asks whether the difference
 * holds over test-set sampling for these trained models; it does not treat training seeds as a
 * random sample (the ± sd shows that variation). Seed-by-seed tests (i-th seed against i-th seed)
 * are shown beside it. The p-values of the rows compared with the best are Holm-adjusted.
 */
import type { SentenceStats } from '../eval/sentence-stats.ts';
import { type PairedTestMethod, pairedTestFromStats } from '../eval/significance.ts';
import type { SignificanceVsBest } from './model-types.ts';
import { unitGold } from './run-analysis.ts';

/** A row's statistics, one row per resampling unit (run-analysis.ts). */
export interface SystemStats {
  seeds: number[];
  perSeed: SentenceStats[];
  pooled: SentenceStats;
}

export interface TestSettings {
  metric: string;
  method: PairedTestMethod;
  resamples: number;
  seed: number;
}

export function compareWithBest(
  row: SystemStats,
  best: SystemStats,
  settings: TestSettings,
): SignificanceVsBest {
  const gold = unitGold(row.pooled.sentences);
  const options = {
    metric: settings.metric,
    method: settings.method,
    resamples: settings.resamples,
    seed: settings.seed,
    unit: 'sentence' as const,
  };
  const pooled = pairedTestFromStats(row.pooled, best.pooled, gold, options);
  const perSeed: SignificanceVsBest['perSeed'] = [];
  const pairs = Math.min(row.perSeed.length, best.perSeed.length);
  if (row.perSeed.length > 1 || best.perSeed.length > 1) {
    for (let i = 0; i < pairs; i++) {
      const test = pairedTestFromStats(row.perSeed[i], best.perSeed[i], gold, options);
      perSeed.push({
        seed: row.seeds[i],
        bestSeed: best.seeds[i],
        pValue: test.p_value,
        difference: test.difference,
      });
    }
  }
  return {
    role: 'compared',
    pooled: { a: pooled.a, b: pooled.b, difference: pooled.difference, pValue: pooled.p_value },
    perSeed,
  };
}

/** Holm's step-down adjustment of the compared rows' pooled p-values; marks significance at alpha. */
export function applyHolm(results: readonly SignificanceVsBest[], alpha: number): void {
  const compared = results.filter((result) => result.role === 'compared' && result.pooled);
  const ordered = [...compared].sort((a, b) => a.pooled!.pValue - b.pooled!.pValue);
  const m = ordered.length;
  let running = 0;
  ordered.forEach((result, i) => {
    running = Math.max(running, Math.min(1, (m - i) * result.pooled!.pValue));
    result.adjustedP = running;
    result.significant = running < alpha;
    if (result.significant) result.direction = result.pooled!.difference > 0 ? 'better' : 'worse';
  });
}
