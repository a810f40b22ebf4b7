/**
 * Builds the ReportModel from the tracking store: leaderboard rows (rows.ts), what is re-computed
 * from stored predictions (rescoring.ts), the protocol and breakdown tables (metric-tables.ts),
 * learning curves, cost, configurations and the explorer's data. Nothing here formats text.
 */
import { dirname, join } from 'node:path';
import type { ResampleUnit } from '../eval/resampling.ts';
import type { PairedTestMethod } from '../eval/significance.ts';
import { matchesPattern } from '../experiments/glob.ts';
import type { RunStore } from '../tracking/store.ts';
import { AnalysisCache } from './analysis-cache.ts';
import { costRow } from './cost.ts';
import { curveKind, curvesOfRun } from './curves.ts';
import { breakdownRow, protocolRow } from './metric-tables.ts';
import type { CurveSet, ReportModel } from './model-types.ts';
import type { HeadlineProtocol } from './protocols.ts';
import { rescoreRows, rowManifests } from './rescoring.ts';
import { collectRows } from './rows.ts';
import { TestSets } from './test-sets.ts';

export interface ReportOptions {
  /** experiment names or globs (`*`, `?`); all experiments when omitted */
  experiments?: readonly string[];
  /** the protocol of the headline columns (default nervaluate strict, as Skill-LLM) */
  protocol?: HeadlineProtocol;
  /** bootstrap resamples for intervals and paired tests (default 1000; 0: none) */
  bootstrap?: number;
  seed?: number;
  /** resampling unit; `auto` (default): documents when a test set has enough of them */
  unit?: ResampleUnit | 'auto';
  test?: PairedTestMethod;
  alpha?: number;
  level?: number;
  /** build the sentence explorer's data (default true) */
  explorer?: boolean;
  title?: string;
  /** shown in the re-score commands (`--store PATH`) */
  storePath?: string;
  /**
   * Folder of the analysis cache (analysis-cache.ts); default: `report-cache` beside the store.
   * `false`: compute everything, keep nothing.
   */
  cacheDir?: string | false;
  /** fixed time stamp (tests) */
  now?: Date;
  /** decimals of F1 percentages (Table 2 prints one) */
  digits?: number;
}

export const DEFAULT_RESAMPLES = 1000;

export function defaultCacheDir(store: RunStore): string | undefined {
  return store.path === ':memory:' ? undefined : join(dirname(store.path), 'report-cache');
}

export function buildReportModel(store: RunStore, options: ReportOptions = {}): ReportModel {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const lap = (phase: string, since: number) => {
    timings[phase] = (timings[phase] ?? 0) + performance.now() - since;
  };
  const protocol = options.protocol ?? 'nervaluate';
  const resamples = options.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? 1;
  const unit = options.unit ?? 'auto';
  const alpha = options.alpha ?? 0.05;
  const level = options.level ?? 0.95;
  const test = options.test ?? 'bootstrap';
  const patterns = options.experiments?.length ? options.experiments : undefined;
  const wanted = (name: string) => !patterns || patterns.some((pattern) => matchesPattern(name, pattern));
  const cache = new AnalysisCache(
    options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir(store)),
  );
  const testSets = new TestSets(unit);
  const metricsCache = new Map<number, Record<string, number>>();
  const metricsOf = (runId: number) => {
    let metrics = metricsCache.get(runId);
    if (!metrics) {
      metrics = store.summaryMetrics(runId);
      metricsCache.set(runId, metrics);
    }
    return metrics;
  };

  let since = performance.now();
  const rows = collectRows(store, { wanted, protocol, testSets, metricsOf });
  lap('rows', since);

  const settings = {
    protocol,
    resamples,
    seed,
    level,
    alpha,
    test,
    explorer: options.explorer !== false,
    storePath: options.storePath,
  };
  const rescored = rescoreRows(rows.drafts, settings, {
    store,
    cache,
    metricsOf,
    lap,
    explorerPending: new Map(),
  });
  for (const draft of rows.drafts) {
    if (!draft.configuration || draft.row.manifest.length > 0) continue;
    draft.row.manifest = rowManifests(draft, undefined, settings, { store, cache, metricsOf, lap });
    draft.row.significance ??= {
      role: 'untested',
      reason: draft.testSet?.problem ?? 'gold sentences unavailable',
      perSeed: [],
    };
  }

  since = performance.now();
  const reproduced = rows.drafts.filter((draft) => draft.configuration);
  const metricsOfRow = (draft: (typeof reproduced)[number]) =>
    draft.configuration!.runs.map((run) => metricsOf(run.id));
  const sources = [
    ...new Set(testSets.all().flatMap((set) => set.gold?.map((sentence) => sentence.source) ?? [])),
  ].sort();
  const curves: CurveSet[] = [];
  for (const draft of reproduced) {
    const series = draft.configuration!.runs.flatMap((run) =>
      curvesOfRun(store.curvePoints(run.id), run.seed),
    );
    if (series.length === 0) continue;
    curves.push({
      rowId: draft.row.id,
      label: draft.row.label,
      loss: series.filter((s) => curveKind(s.name) === 'loss'),
      metrics: series.filter((s) => curveKind(s.name) === 'quality'),
      diagnostics: series.filter((s) => curveKind(s.name) === 'diagnostic'),
    });
  }
  const model: ReportModel = {
    title: options.title ?? 'SkillSpan leaderboard: Skill-LLM Table 2, reproduced',
    settings: {
      protocol,
      bootstrap: { resamples, seed, unit, level },
      significance: {
        method: test,
        resamples,
        seed,
        alpha,
        metric: `${protocol} total F1`,
        bestRowId: rescored.bestRowId,
      },
      generatedAt: (options.now ?? new Date()).toISOString(),
      storePath: options.storePath ?? store.path,
      experimentsFilter: patterns ? [...patterns] : undefined,
      digits: options.digits ?? 1,
    },
    rows: rows.drafts.map((draft) => draft.row),
    protocolRows: reproduced.map((draft) => protocolRow(draft.row.id, draft.row.label, metricsOfRow(draft))),
    breakdownRows: reproduced.map((draft) =>
      breakdownRow(draft.row.id, draft.row.label, metricsOfRow(draft), protocol, [
        'SKILL',
        'KNOWLEDGE',
        ...sources,
      ]),
    ),
    sources,
    curves,
    cost: reproduced.map((draft) =>
      costRow(draft.row.id, draft.row.label, draft.configuration!.runs, metricsOf),
    ),
    errors: rescored.errors,
    configurations: rows.configurations,
    otherRuns: rows.otherRuns,
    testSets: testSets.all().map((set) => set.info),
    warnings: [...rows.warnings, ...rescored.warnings],
    timings,
  };
  lap('tables', since);

  since = performance.now();
  if (rescored.explorer && rescored.explorer.size > 0) model.explorer = rescored.explorer.build();
  lap('explorer data', since);
  for (const set of testSets.all()) if (set.problem) model.warnings.push(set.problem);
  if (model.rows.length === 0) {
    model.warnings.push(
      'the store holds no experiment yet: run experiments first (npm start, or skillbench run)',
    );
  } else if (reproduced.length === 0) {
    model.warnings.push('no finished run yet: only published numbers are shown');
  }
  if (rescored.testSetCount > 1) {
    model.warnings.push(
      `rows were scored on ${rescored.testSetCount} different test sets: rows are tested against the best row of their own test set, and the explorer shows ${rescored.mainTestSet}`,
    );
  }
  timings['cache hits'] = cache.stats.hits;
  timings['cache misses'] = cache.stats.misses;
  timings.total = performance.now() - started;
  return model;
}
