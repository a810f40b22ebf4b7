/**
 * The one scoring entry point: all three protocols side by side (docs/DESIGN.md "Evaluation
 * protocols"), per source, with counts, and bootstrap intervals on request.
 */
import { LABELS, type Label, type Prediction, type Sentence } from '../data/types.ts';
import { type BootstrapResult, bootstrapConfidenceIntervals } from './bootstrap.ts';
import type { ResampleUnit } from './resampling.ts';
import {
  computeSentenceStats,
  type NerevalEncodingCounts,
  protocolsFromTotals,
  type SentenceStats,
  subsetTotals,
  sumRows,
} from './sentence-stats.ts';
import type { ProtocolResults } from './types.ts';

export interface ScoreOptions {
  /** bootstrap confidence intervals for every headline F1 (omitted or 0 resamples: none) */
  bootstrap?: { resamples: number; seed?: number; unit?: ResampleUnit; level?: number };
}

export interface ScoreCounts {
  sentences: number;
  gold_spans: Record<Label, number>;
  /** as predicted, before any deduplication */
  pred_spans: Record<Label, number>;
  /** sentences whose prediction came as BIO tags (nereval reads those tags as written) */
  bio_predictions: number;
  /** what writing span predictions as BIO for nereval dropped or collapsed */
  nereval_encoding: NerevalEncodingCounts;
  /** prediction issues by kind (unparsable, unaligned-span, ...) */
  prediction_issues: Record<string, number>;
}

export interface ScoreReport {
  protocols: ProtocolResults;
  counts: ScoreCounts;
  /** the same protocols on the sentences of each source (nereval run over that subset alone) */
  by_source: Record<string, ProtocolResults>;
  ci?: BootstrapResult;
}

function labelCounts(spanLists: readonly { spans: readonly { label: Label }[] }[]): Record<Label, number> {
  const counts = Object.fromEntries(LABELS.map((label) => [label, 0])) as Record<Label, number>;
  for (const { spans } of spanLists) for (const span of spans) counts[span.label]++;
  return counts;
}

function issueCounts(predictions: readonly Prediction[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const prediction of predictions) {
    for (const issue of prediction.issues ?? []) counts[issue.kind] = (counts[issue.kind] ?? 0) + 1;
  }
  return counts;
}

/** All three protocols of `predictions[i]` against `gold[i]` (aligned by position). */
export function scoreProtocols(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
): { protocols: ProtocolResults; stats: SentenceStats } {
  const stats = computeSentenceStats(gold, predictions);
  return { protocols: protocolsFromTotals(sumRows(stats)), stats };
}

/** Sources in alphabetical order (house, tech). */
export function sourcesOf(gold: readonly Sentence[]): string[] {
  return [...new Set(gold.map((sentence) => sentence.source))].sort();
}

export function scoreAll(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
  options: ScoreOptions = {},
): ScoreReport {
  if (predictions.length !== gold.length) {
    throw new Error(`scoreAll: ${predictions.length} predictions for ${gold.length} gold sentences`);
  }
  const { protocols, stats } = scoreProtocols(gold, predictions);
  const bySource: Record<string, ProtocolResults> = {};
  for (const source of sourcesOf(gold)) {
    const indices = gold.flatMap((sentence, i) => (sentence.source === source ? [i] : []));
    bySource[source] = protocolsFromTotals(subsetTotals(stats, indices));
  }
  const report: ScoreReport = {
    protocols,
    counts: {
      sentences: gold.length,
      gold_spans: labelCounts(gold),
      pred_spans: labelCounts(predictions),
      bio_predictions: predictions.filter((prediction) => prediction.bio).length,
      nereval_encoding: stats.encoding,
      prediction_issues: issueCounts(predictions),
    },
    by_source: bySource,
  };
  const bootstrap = options.bootstrap;
  if (bootstrap && bootstrap.resamples > 0) {
    report.ci = bootstrapConfidenceIntervals(stats, gold, bootstrap);
  }
  return report;
}
