/**
 * Everything the report needs from one run's stored test predictions, computed once by
 * harness/eval and kept compact (and cacheable):
 * - the per-sentence statistics of all three protocols (computeSentenceStats), summed per
 *   resampling unit (a document, or a sentence): the bootstrap and the paired tests only ever
 *   resample units, so unit sums give them exactly the numbers the full rows would;
 * - a check of the stored metrics against the predictions re-scored now;
 * - the error analysis (analyzeErrors) and, for the explorer, each sentence's error kinds,
 *   predicted spans and the raw output of sentences with a prediction issue.
 */
import { LABELS, type Prediction, type Sentence } from '../data/types.ts';
import { analyzeErrors, type ErrorAnalysis } from '../eval/error-analysis.ts';
import { f1Metric } from '../eval/f1-metrics.ts';
import { blockStats, type ResampleUnit, resamplingBlocks } from '../eval/resampling.ts';
import { computeSentenceStats, type SentenceStats, sumRows } from '../eval/sentence-stats.ts';
import type { RunRecord } from '../runner/types.ts';
import type { RunStore } from '../tracking/store.ts';
import { issueExamples } from './error-rows.ts';
import { pct } from './format.ts';
import type { IssueExample } from './model-types.ts';
import { evalMetricName, HEADLINE_PROTOCOLS, storeMetricName } from './protocols.ts';

/** A sparse matrix of counts: its length and the non-zero cells as (flat index, value) pairs. */
export interface SparseRows {
  length: number;
  cells: number[];
}

export interface RunAnalysis {
  runId: number;
  /** the cache key it was stored under (set by the caller) */
  key?: string;
  unit: ResampleUnit;
  /** statistics summed per resampling unit, row-major (units x STAT_COUNT) */
  unitRows: SparseRows;
  units: number;
  encoding: SentenceStats['encoding'];
  /** stored metrics that disagree with the predictions re-scored now */
  warnings: string[];
  /** error analysis with up to 5 example sentence ids per kind */
  errors: ErrorAnalysis;
  issueExamples: Record<string, IssueExample[]>;
  /** the method produced text that was parsed (raw outputs stored) */
  generative: boolean;
}

/** What the explorer shows of a run (kept apart: only one run per row is shown). */
export interface ExplorerColumns {
  /** the names behind the bits of `masks` */
  kinds: string[];
  /** [sentence index, bit mask of error kinds and issue kinds] for sentences with any */
  masks: [number, number][];
  /** [sentence index, flat spans (label index, start, end exclusive)] for sentences with spans */
  spans: [number, number[]][];
  /** [sentence index, raw output (truncated)] for sentences with a prediction issue */
  raw: [number, string][];
}

const RAW_LIMIT = 300;

/** Analyses a run's stored test predictions; a string says why they cannot be analysed. */
export function analyzeRun(
  store: RunStore,
  run: RunRecord,
  gold: readonly Sentence[],
  stored: Record<string, number>,
  unit: ResampleUnit,
): { analysis: RunAnalysis; explorer: ExplorerColumns } | string {
  const predictions = store.predictions(run.id, 'test');
  if (predictions.length !== gold.length) {
    return `run ${run.id} has ${predictions.length} stored test predictions for ${gold.length} gold sentences`;
  }
  for (let i = 0; i < gold.length; i++) {
    if (predictions[i].id !== gold[i].id) {
      return `run ${run.id}: stored prediction ${i} is for ${predictions[i].id}, the gold sentence is ${gold[i].id}`;
    }
  }
  const stats = computeSentenceStats(gold, predictions);
  const blocks = resamplingBlocks(gold, unit);
  const full = analyzeErrors(gold, predictions, { examples: Number.POSITIVE_INFINITY });
  const analysis: RunAnalysis = {
    runId: run.id,
    unit,
    unitRows: sparse(blockStats(stats, blocks)),
    units: blocks.length - 1,
    encoding: stats.encoding,
    warnings: compareWithStored(stats, stored),
    errors: trimExamples(full, 5),
    issueExamples: issueExamples(gold, predictions),
    generative: predictions.some((prediction) => prediction.raw !== undefined),
  };
  return { analysis, explorer: explorerColumns(gold, predictions, full) };
}

function sparse(values: Float64Array): SparseRows {
  const cells: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) cells.push(i, values[i]);
  return { length: values.length, cells };
}

function dense(rows: SparseRows): Float64Array {
  const values = new Float64Array(rows.length);
  for (let k = 0; k < rows.cells.length; k += 2) values[rows.cells[k]] = rows.cells[k + 1];
  return values;
}

/** Stored test F1 vs the same predictions re-scored now (a scorer change since the run shows here). */
function compareWithStored(stats: SentenceStats, stored: Record<string, number>): string[] {
  const totals = sumRows(stats);
  const warnings: string[] = [];
  for (const protocol of HEADLINE_PROTOCOLS) {
    const name = storeMetricName('test', protocol, 'overall');
    const recorded = stored[name];
    const now = f1Metric(evalMetricName(protocol, 'overall')).compute(totals);
    if (recorded === undefined) {
      warnings.push(`${name} is not stored (the predictions re-score to ${pct(now, 2)})`);
    } else if (Math.abs(recorded - now) > 1e-9) {
      warnings.push(
        `${name} is stored as ${pct(recorded, 2)} but the stored predictions re-score to ${pct(now, 2)} (scored by another scorer version?)`,
      );
    }
  }
  return warnings;
}

function trimExamples(analysis: ErrorAnalysis, examples: number): ErrorAnalysis {
  const trim = (lists: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(lists).map(([kind, ids]) => [kind, ids.slice(0, examples)]));
  return {
    ...analysis,
    predicted: {
      ...analysis.predicted,
      examples: trim(analysis.predicted.examples) as typeof analysis.predicted.examples,
    },
    gold: { ...analysis.gold, examples: trim(analysis.gold.examples) as typeof analysis.gold.examples },
    issues: Object.fromEntries(
      Object.entries(analysis.issues).map(([kind, issue]) => [
        kind,
        { ...issue, examples: issue.examples.slice(0, examples) },
      ]),
    ),
  };
}

/** Per-sentence kinds (from an analysis listing every sentence per kind), spans and raw outputs. */
function explorerColumns(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
  full: ErrorAnalysis,
): ExplorerColumns {
  const index = new Map(gold.map((sentence, i) => [sentence.id, i]));
  const kinds: string[] = [];
  const masks = new Map<number, number>();
  const mark = (i: number | undefined, kind: string) => {
    if (i === undefined) return;
    let bit = kinds.indexOf(kind);
    if (bit < 0) {
      if (kinds.length >= 31) return;
      kinds.push(kind);
      bit = kinds.length - 1;
    }
    masks.set(i, (masks.get(i) ?? 0) | (1 << bit));
  };
  for (const side of [full.predicted.examples, full.gold.examples] as Record<string, string[]>[]) {
    for (const [kind, ids] of Object.entries(side)) for (const id of ids) mark(index.get(id), kind);
  }
  const spans: [number, number[]][] = [];
  const raw: [number, string][] = [];
  predictions.forEach((prediction, i) => {
    for (const issue of prediction.issues ?? []) mark(i, issue.kind);
    if (prediction.spans.length) {
      spans.push([i, prediction.spans.flatMap((span) => [LABELS.indexOf(span.label), span.start, span.end])]);
    }
    if (prediction.issues?.length && prediction.raw !== undefined) {
      raw.push([
        i,
        prediction.raw.length > RAW_LIMIT ? `${prediction.raw.slice(0, RAW_LIMIT)}…` : prediction.raw,
      ]);
    }
  });
  return { kinds, masks: [...masks.entries()].sort(([a], [b]) => a - b), spans, raw };
}

/** The run's unit sums as statistics over pseudo-sentences, one per unit (see the file comment). */
export function unitStats(analysis: RunAnalysis): SentenceStats {
  return {
    sentences: analysis.units,
    rows: dense(analysis.unitRows),
    encoding: analysis.encoding,
  };
}

/** One entry per unit with distinct ids: resampling these "sentences" resamples the units. */
export function unitGold(units: number): { docId: number }[] {
  return Array.from({ length: units }, (_, i) => ({ docId: i }));
}

/** Sums statistics over seeds (all over the same units): the F1 of all seeds' predictions pooled. */
export function poolStats(list: readonly SentenceStats[]): SentenceStats {
  if (list.length === 0) throw new Error('poolStats: no statistics');
  if (list.length === 1) return list[0];
  const rows = new Float64Array(list[0].rows.length);
  const encoding = { dropped_overlapping_same_label: 0, duplicates_collapsed: 0 };
  for (const stats of list) {
    if (stats.rows.length !== rows.length) throw new Error('poolStats: statistics over different units');
    for (let i = 0; i < rows.length; i++) rows[i] += stats.rows[i];
    encoding.dropped_overlapping_same_label += stats.encoding.dropped_overlapping_same_label;
    encoding.duplicates_collapsed += stats.encoding.duplicates_collapsed;
  }
  return { sentences: list[0].sentences, rows, encoding };
}
