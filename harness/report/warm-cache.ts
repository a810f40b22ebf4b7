/**
 * Analyses finished runs ahead of the report (run-analysis.ts) and stores them in the analysis
 * cache, so that writing the report later only reads them. The runner may call this right after a
 * run finishes: the run's cost grows by one re-scoring of its test predictions (tens of
 * milliseconds), and the report's cold start disappears.
 */
import type { ResampleUnit } from '../eval/resampling.ts';
import type { RunStore } from '../tracking/store.ts';
import { AnalysisCache } from './analysis-cache.ts';
import { defaultCacheDir } from './model.ts';
import { cachedRunAnalysis } from './rescoring.ts';
import { TestSets } from './test-sets.ts';

export function warmReportCache(
  store: RunStore,
  runIds: readonly number[],
  options: { unit?: ResampleUnit | 'auto'; cacheDir?: string } = {},
): { analysed: number; problems: string[] } {
  const cacheDir = options.cacheDir ?? defaultCacheDir(store);
  if (!cacheDir) return { analysed: 0, problems: ['an in-memory store has no cache folder'] };
  const cache = new AnalysisCache(cacheDir);
  const testSets = new TestSets(options.unit ?? 'auto');
  const problems: string[] = [];
  let analysed = 0;
  for (const id of runIds) {
    const run = store.getRun(id);
    if (run?.status !== 'finished') continue;
    const result = cachedRunAnalysis(
      { store, cache, metricsOf: (runId) => store.summaryMetrics(runId) },
      run,
      testSets.get(run.spec.dataset.test, run.spec.file),
    );
    if (typeof result === 'string') problems.push(result);
    else analysed++;
  }
  return { analysed, problems };
}
