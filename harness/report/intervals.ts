/**
 * 95% confidence intervals of a row's three Table 2 F1 values: the eval module's percentile
 * bootstrap (harness/eval/bootstrap.ts) over the row's seed-pooled unit statistics
 * (run-analysis.ts). Each resample draws test units (documents or sentences) with replacement and
 * keeps every seed's predictions for a drawn unit, so the interval measures test-set sampling of
 * the pooled F1; seed variation is the separate ± sd.
 */
import { bootstrapConfidenceIntervals } from '../eval/bootstrap.ts';
import type { SentenceStats } from '../eval/sentence-stats.ts';
import type { Interval } from './model-types.ts';
import { evalMetricName, type HeadlineProtocol, TABLE_SCOPES, type TableScope } from './protocols.ts';
import { unitGold } from './run-analysis.ts';

export interface IntervalOptions {
  resamples: number;
  seed: number;
  level: number;
}

/** `pooled` holds one row per resampling unit (see run-analysis.ts). */
export function rowIntervals(
  pooled: SentenceStats,
  protocol: HeadlineProtocol,
  options: IntervalOptions,
): Record<TableScope, Interval> | undefined {
  if (options.resamples <= 0) return undefined;
  const names = TABLE_SCOPES.map((scope) => evalMetricName(protocol, scope));
  const result = bootstrapConfidenceIntervals(pooled, unitGold(pooled.sentences), {
    resamples: options.resamples,
    seed: options.seed,
    unit: 'sentence',
    level: options.level,
    metrics: names,
  });
  const intervals = {} as Record<TableScope, Interval>;
  TABLE_SCOPES.forEach((scope, i) => {
    const entry = result.f1[names[i]];
    intervals[scope] = { pooled: entry.estimate, lower: entry.lower, upper: entry.upper };
  });
  return intervals;
}
