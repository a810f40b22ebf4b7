/**
 * Everything the report needs from one run's stored test predictions, computed once by
 * harness/eval and kept compact (and cacheable):
 * - the per-sentence statistics of all three protocols (computeSentenceStats), summed per
 *   resampling unit (a document, or a sentence): the bootstrap and the paired tests only ever
 *   resample units, so unit sums give them exactly the numbers the full rows would;
 * - a check of the stored metrics against the predictions re-scored now;
 * - the error analysis (analyzeErrors) and, for the explorer, each sentence's error kinds, its
 *   predicted spans with the kind of each (classifySpans), the kind of each gold span, and the
 *   raw output of sentences with a prediction issue.
 * The gold side of the statistics is prepared once per gold split and shared by every run.
 */
import { LABELS, type Prediction, type Sentence } from '../data/types.ts';
import { analyzeErrors, type ErrorAnalysis, SPAN_KINDS } from '../eval/error-analysis.ts';
import { f1Metric } from '../eval/f1-metrics.ts';
import { blockStats, type ResampleUnit, resamplingBlocks } from '../eval/resampling.ts';
import {
  computeSentenceStats,
  type PreparedGold,
  prepareGold,
  type SentenceStats,
  STAT_COUNT,
} from '../eval/sentence-stats.ts';
import type { RunStore } from '../tracking/store.ts';
import type { RunRecord } from '../tracking/types.ts';
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
  /**
   * [sentence index, flat predicted spans (label index, start, end exclusive, kind)] for sentences
   * with predicted spans; a kind is an index into SPAN_KINDS
   */
  spans: [number, number[]][];
  /** [sentence index, the kind of each gold span in gold order, one SPAN_KINDS digit each] */
  goldKinds: [number, string][];
  /** [sentence index, raw output (truncated)] for sentences with a prediction issue */
  raw: [number, string][];
}

const RAW_LIMIT = 300;

const prepared = new WeakMap<readonly Sentence[], PreparedGold>();

/** The gold side of the statistics, prepared once per gold array (the report never changes one). */
export function preparedGoldOf(gold: readonly Sentence[]): PreparedGold {
  let entry = prepared.get(gold);
  if (!entry) {
    entry = prepareGold(gold);
    prepared.set(gold, entry);
  }
  return entry;
}

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
  const stats = computeSentenceStats(preparedGoldOf(gold), predictions);
  const blocks = resamplingBlocks(gold, unit);
  const explorer = new ExplorerCollector(gold.length);
  const errors = analyzeErrors(gold, predictions, {
    onSentence: (i, predicted, goldKinds) => explorer.add(i, predictions[i], predicted, goldKinds),
  });
  const unitRows = blockStats(stats, blocks);
  const units = blocks.length - 1;
  const analysis: RunAnalysis = {
    runId: run.id,
    unit,
    unitRows: sparse(unitRows),
    units,
    encoding: stats.encoding,
    warnings: compareWithStored(unitTotals(unitRows, units), stored),
    errors,
    issueExamples: issueExamples(gold, predictions),
    generative: predictions.some((prediction) => prediction.raw !== undefined),
  };
  return { analysis, explorer: explorer.columns(predictions) };
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

/** The stored metrics an analysis reads (compareWithStored): the test total F1 of each protocol. */
export const STORED_METRICS_READ = HEADLINE_PROTOCOLS.map((protocol) =>
  storeMetricName('test', protocol, 'overall'),
);

/** Stored test F1 vs the same predictions re-scored now (a scorer change since the run shows here). */
function compareWithStored(totals: Float64Array, stored: Record<string, number>): string[] {
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

/** Column sums of unit sums: the totals of every sentence (counts are integers: sums are exact). */
function unitTotals(unitRows: Float64Array, units: number): Float64Array {
  const width = STAT_COUNT;
  const totals = new Float64Array(width);
  for (let u = 0; u < units; u++) for (let j = 0; j < width; j++) totals[j] += unitRows[u * width + j];
  return totals;
}

/** Collects a run's explorer columns from the error analysis's classification of each sentence. */
class ExplorerCollector {
  private readonly masks: Int32Array;
  private readonly spans: [number, number[]][] = [];
  private readonly goldKinds: [number, string][] = [];

  constructor(sentences: number) {
    this.masks = new Int32Array(sentences);
  }

  /** `predicted` and `gold`: the kind of each span, as indices into SPAN_KINDS (classifySpanCodes). */
  add(i: number, prediction: Prediction, predicted: Int32Array, gold: Int32Array): void {
    let mask = 0;
    const spans = prediction.spans;
    if (spans.length > 0) {
      const flat: number[] = [];
      for (let k = 0; k < spans.length; k++) {
        const span = spans[k];
        mask |= 1 << predicted[k];
        flat.push(LABELS.indexOf(span.label), span.start, span.end, predicted[k]);
      }
      this.spans.push([i, flat]);
    }
    let digits = '';
    for (let k = 0; k < gold.length; k++) {
      mask |= 1 << gold[k];
      digits += gold[k];
    }
    if (digits) this.goldKinds.push([i, digits]);
    this.masks[i] = mask;
  }

  /** The columns, with issue kinds (after the span kinds, in order of first appearance) and raw outputs. */
  columns(predictions: readonly Prediction[]): ExplorerColumns {
    const kinds: string[] = [...SPAN_KINDS];
    const raw: [number, string][] = [];
    predictions.forEach((prediction, i) => {
      if (!prediction.issues?.length) return;
      for (const issue of prediction.issues) {
        let bit = kinds.indexOf(issue.kind);
        if (bit < 0) {
          if (kinds.length >= 31) continue;
          kinds.push(issue.kind);
          bit = kinds.length - 1;
        }
        this.masks[i] |= 1 << bit;
      }
      if (prediction.raw !== undefined) {
        raw.push([
          i,
          prediction.raw.length > RAW_LIMIT ? `${prediction.raw.slice(0, RAW_LIMIT)}…` : prediction.raw,
        ]);
      }
    });
    const masks: [number, number][] = [];
    this.masks.forEach((mask, i) => {
      if (mask !== 0) masks.push([i, mask]);
    });
    return { kinds, masks, spans: this.spans, goldKinds: this.goldKinds, raw };
  }
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
    if (stats.rows.length !== rows.length || stats.rowSentences)
      throw new Error('poolStats: statistics over different units (or without a row per unit)');
    for (let i = 0; i < rows.length; i++) rows[i] += stats.rows[i];
    encoding.dropped_overlapping_same_label += stats.encoding.dropped_overlapping_same_label;
    encoding.duplicates_collapsed += stats.encoding.duplicates_collapsed;
  }
  return { sentences: list[0].sentences, rows, encoding };
}
