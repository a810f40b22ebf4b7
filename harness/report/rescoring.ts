/**
 * What the report computes from stored predictions, per test set: each run's analysis
 * (run-analysis.ts, cached), each row's intervals (intervals.ts) and its test against the best
 * row (significance-vs-best.ts, Holm-adjusted within the test set), the error rows, and the
 * explorer's columns (one run per row: the seed closest to the row's mean).
 */
import type { PairedTestMethod } from '../eval/significance.ts';
import type { RunStore } from '../tracking/store.ts';
import type { RunRecord } from '../tracking/types.ts';
import { type AnalysisCache, cacheKey } from './analysis-cache.ts';
import { mergeErrorAnalyses } from './error-rows.ts';
import { ExplorerBuilder } from './explorer-data.ts';
import { rowIntervals } from './intervals.ts';
import { runManifest } from './manifest.ts';
import type { ErrorRow, Interval, RunManifest, SignificanceVsBest } from './model-types.ts';
import {
  evalMetricName,
  type HeadlineProtocol,
  storeMetricName,
  TABLE_SCOPES,
  type TableScope,
} from './protocols.ts';
import type { RowDraft } from './rows.ts';
import {
  analyzeRun,
  type ExplorerColumns,
  poolStats,
  type RunAnalysis,
  STORED_METRICS_READ,
  unitStats,
} from './run-analysis.ts';
import { representativeIndex } from './seed-stats.ts';
import { applyHolm, compareWithBest, type SystemStats } from './significance-vs-best.ts';
import type { TestSet } from './test-sets.ts';

export interface RescoreSettings {
  protocol: HeadlineProtocol;
  resamples: number;
  seed: number;
  level: number;
  alpha: number;
  test: PairedTestMethod;
  explorer: boolean;
  storePath?: string;
}

export interface RescoreContext {
  store: RunStore;
  cache: AnalysisCache;
  metricsOf: (runId: number) => Record<string, number>;
  lap: (phase: string, since: number) => void;
  /**
   * When given, explorer columns of freshly analysed runs wait here and reach the cache only if
   * the run is its row's explorer run (one run per row is shown): a first render then writes a
   * fifth of the explorer data. Without it (warming the cache after a run), they are cached at once.
   */
  explorerPending?: Map<string, ExplorerColumns>;
}

export interface RescoreResult {
  errors: ErrorRow[];
  explorer?: ExplorerBuilder;
  mainTestSet?: string;
  bestRowId?: string;
  testSetCount: number;
  warnings: string[];
}

interface RowStatistics {
  intervals?: Record<TableScope, Interval>;
  significance: SignificanceVsBest;
}

export function rescoreRows(
  drafts: readonly RowDraft[],
  settings: RescoreSettings,
  context: RescoreContext,
): RescoreResult {
  const byTestSet = new Map<string, RowDraft[]>();
  for (const draft of drafts) {
    if (!draft.testSet?.gold || !draft.configuration) continue;
    const list = byTestSet.get(draft.testSet.info.id) ?? [];
    list.push(draft);
    byTestSet.set(draft.testSet.info.id, list);
  }
  // the explorer shows the test set most rows share (the larger one on a tie)
  const mainTestSet = [...byTestSet.entries()].sort(
    ([, a], [, b]) => b.length - a.length || b[0].testSet!.info.sentences - a[0].testSet!.info.sentences,
  )[0]?.[0];
  const result: RescoreResult = { errors: [], mainTestSet, testSetCount: byTestSet.size, warnings: [] };

  const systems = new SystemStatsMemo();
  for (const [testSetId, group] of byTestSet) {
    const isMain = testSetId === mainTestSet;
    const gold = group[0].testSet!.gold!;
    if (isMain && settings.explorer) result.explorer = new ExplorerBuilder(gold);
    const analysed = new Map<RowDraft, RunAnalysis[] | undefined>();
    let since = performance.now();
    for (const draft of group) analysed.set(draft, analyseRow(draft, context, result.warnings));
    context.lap('analyse runs', since);

    const best = [...group].sort(
      (a, b) =>
        (b.row.reproduced?.scopes.overall?.mean ?? -1) - (a.row.reproduced?.scopes.overall?.mean ?? -1),
    )[0];
    if (isMain) result.bestRowId = best.row.id;
    const bestAnalyses = analysed.get(best);

    for (const draft of group) {
      const analyses = analysed.get(draft);
      const reproduced = draft.row.reproduced!;
      draft.row.manifest = manifests(draft, analyses, settings, context);
      if (!analyses) {
        draft.row.significance = {
          role: 'untested',
          reason: 'stored predictions could not be re-scored',
          perSeed: [],
        };
        continue;
      }
      since = performance.now();
      const statistics = rowStatistics(draft, analyses, best, bestAnalyses, settings, context.cache, systems);
      context.lap('intervals and tests', since);
      if (statistics.intervals) {
        for (const scope of TABLE_SCOPES) {
          const numbers = reproduced.scopes[scope];
          if (numbers) numbers.ci = statistics.intervals[scope];
        }
      }
      draft.row.significance = statistics.significance;

      since = performance.now();
      const totals = analyses.map(
        (a) => context.metricsOf(a.runId)[storeMetricName('test', settings.protocol, 'overall')] ?? 0,
      );
      const representative = analyses[representativeIndex(totals)];
      const runs = draft.configuration!.runs;
      const explorerRun = runs.find((run) => run.id === representative.runId)!;
      reproduced.explorerRunId = explorerRun.id;
      reproduced.explorerSeed = explorerRun.seed;
      result.errors.push({
        rowId: draft.row.id,
        label: draft.row.label,
        seeds: analyses.length,
        analysis: mergeErrorAnalyses([
          representative.errors,
          ...analyses.filter((a) => a !== representative).map((a) => a.errors),
        ]),
        issueExamples: representative.issueExamples,
        generative: representative.generative,
      });
      const columns =
        isMain && result.explorer
          ? cachedExplorerColumns(context, explorerRun, draft.testSet!, representative)
          : undefined;
      if (columns) {
        result.explorer!.addMethod(
          { rowId: draft.row.id, label: draft.row.label, runId: explorerRun.id, seed: explorerRun.seed },
          columns,
        );
      }
      context.lap('errors and explorer', since);
    }
    applyHolm(
      group.map((draft) => draft.row.significance).filter((s): s is SignificanceVsBest => s !== undefined),
      settings.alpha,
    );
  }
  return result;
}

/** Every seed's analysis (cached by run and predictions), or undefined if one cannot be made. */
function analyseRow(draft: RowDraft, context: RescoreContext, warnings: string[]): RunAnalysis[] | undefined {
  const analyses: RunAnalysis[] = [];
  for (const run of draft.configuration!.runs) {
    const analysis = cachedRunAnalysis(context, run, draft.testSet!);
    if (typeof analysis === 'string') {
      warnings.push(`${draft.row.label}: ${analysis}; its interval and test are left out`);
      draft.row.notes.push(analysis);
      return undefined;
    }
    analyses.push(analysis);
  }
  return analyses;
}

function runCacheInputs(
  context: Pick<RescoreContext, 'store' | 'metricsOf'>,
  run: RunRecord,
  testSet: TestSet,
) {
  const artifact = context.store.artifacts(run.id).find((a) => a.name === 'predictions/test.jsonl')?.sha256;
  return {
    id: run.id,
    key: run.key,
    finishedAt: run.finishedAt,
    artifact,
    testSetId: testSet.info.id,
    unit: testSet.info.unit,
    // only the stored metrics the analysis reads (hashing all of them costs more than it tells)
    stored: STORED_METRICS_READ.map((name) => context.metricsOf(run.id)[name] ?? null),
  };
}

/** Computes a run's analysis and explorer columns and caches both under `key` / `explorer-` + `key`. */
function computeAndCache(
  context: Pick<RescoreContext, 'store' | 'cache' | 'metricsOf' | 'explorerPending'>,
  run: RunRecord,
  testSet: TestSet,
  key: string,
): { analysis: RunAnalysis; explorer: ExplorerColumns } | string {
  const computed = analyzeRun(
    context.store,
    run,
    testSet.gold!,
    context.metricsOf(run.id),
    testSet.info.unit,
  );
  if (typeof computed === 'string') return computed;
  if (context.explorerPending) context.explorerPending.set(`explorer-${key}`, computed.explorer);
  else context.cache.set(`explorer-${key}`, computed.explorer);
  return { analysis: context.cache.set(key, { ...computed.analysis, key }), explorer: computed.explorer };
}

/** A run's analysis from the cache, or computed and cached; a string says why it cannot be made. */
export function cachedRunAnalysis(
  context: Pick<RescoreContext, 'store' | 'cache' | 'metricsOf' | 'explorerPending'>,
  run: RunRecord,
  testSet: TestSet,
): RunAnalysis | string {
  if (!testSet.gold) return testSet.problem ?? 'gold sentences unavailable';
  const key = cacheKey('run', runCacheInputs(context, run, testSet));
  const cached = context.cache.get<RunAnalysis>(key);
  if (cached) return cached;
  const computed = computeAndCache(context, run, testSet, key);
  return typeof computed === 'string' ? computed : computed.analysis;
}

/** The explorer's columns of an analysed run (cached beside its analysis; recomputed if missing). */
function cachedExplorerColumns(
  context: RescoreContext,
  run: RunRecord,
  testSet: TestSet,
  analysis: RunAnalysis,
): ExplorerColumns | undefined {
  const key = analysis.key ?? cacheKey('run', runCacheInputs(context, run, testSet));
  const cached = context.cache.get<ExplorerColumns>(`explorer-${key}`);
  if (cached) return cached;
  const pending = context.explorerPending?.get(`explorer-${key}`);
  if (pending) return context.cache.set(`explorer-${key}`, pending);
  const computed = computeAndCache({ ...context, explorerPending: undefined }, run, testSet, key);
  return typeof computed === 'string' ? undefined : computed.explorer;
}

/**
 * A row's statistics for its interval and its tests: each seed's unit sums made dense once and
 * pooled once per build, however many rows are tested against it (the best row: all of them).
 */
class SystemStatsMemo {
  private readonly memo = new Map<readonly RunAnalysis[], SystemStats>();

  of(analyses: readonly RunAnalysis[], seeds: readonly number[]): SystemStats {
    let stats = this.memo.get(analyses);
    if (!stats) {
      const perSeed = analyses.map(unitStats);
      stats = { seeds: [...seeds], perSeed, pooled: poolStats(perSeed) };
      this.memo.set(analyses, stats);
    }
    return stats;
  }
}

function rowStatistics(
  draft: RowDraft,
  analyses: readonly RunAnalysis[],
  best: RowDraft,
  bestAnalyses: readonly RunAnalysis[] | undefined,
  settings: RescoreSettings,
  cache: AnalysisCache,
  systems: SystemStatsMemo,
): RowStatistics {
  const seeds = draft.configuration!.runs.map((run) => run.seed);
  const key = cacheKey('row', {
    runs: analyses.map((a) => a.key),
    best: draft === best ? 'self' : bestAnalyses?.map((a) => a.key),
    settings: { ...settings, storePath: undefined, explorer: undefined },
  });
  return cache.getOrCompute(key, () => {
    const stats = systems.of(analyses, seeds);
    const intervals = rowIntervals(stats.pooled, settings.protocol, settings);
    let significance: SignificanceVsBest;
    if (draft === best) significance = { role: 'best', perSeed: [] };
    else if (!bestAnalyses)
      significance = { role: 'untested', reason: 'the best row could not be re-scored', perSeed: [] };
    else if (settings.resamples <= 0)
      significance = { role: 'untested', reason: 'no resamples (--bootstrap 0)', perSeed: [] };
    else {
      const bestStats = systems.of(
        bestAnalyses,
        best.configuration!.runs.map((run) => run.seed),
      );
      significance = compareWithBest(stats, bestStats, {
        metric: evalMetricName(settings.protocol, 'overall'),
        method: settings.test,
        resamples: settings.resamples,
        seed: settings.seed,
      });
    }
    return { intervals, significance };
  });
}

function manifests(
  draft: RowDraft,
  analyses: readonly RunAnalysis[] | undefined,
  settings: RescoreSettings,
  context: RescoreContext,
): RunManifest[] {
  return draft.configuration!.runs.map((run) =>
    runManifest(run, {
      params: context.store.params(run.id),
      artifacts: context.store.artifacts(run.id),
      total: context.metricsOf(run.id)[storeMetricName('test', settings.protocol, 'overall')],
      warnings: analyses?.find((a) => a.runId === run.id)?.warnings ?? [],
      storePath: settings.storePath,
      resamples: settings.resamples,
      unit: draft.testSet?.info.unit ?? 'sentence',
    }),
  );
}

export { manifests as rowManifests };
