/**
 * A row's error analysis: harness/eval/error-analysis.ts run on each seed's test predictions and
 * the counts summed over the seeds (examples come from the first analysis given: the explorer's
 * run). Prediction-issue examples carry the model's raw output, so a reader sees what failed.
 */
import type { Prediction, Sentence } from '../data/types.ts';
import type { ErrorAnalysis, SideAnalysis } from '../eval/error-analysis.ts';
import type { IssueExample } from './model-types.ts';

function addCounts<K extends string>(target: Record<K, number>, source: Record<K, number>): void {
  for (const kind of Object.keys(source) as K[]) target[kind] = (target[kind] ?? 0) + source[kind];
}

function addSide<K extends string>(target: SideAnalysis<K>, source: SideAnalysis<K>): void {
  target.total += source.total;
  addCounts(target.counts, source.counts);
  for (const label of Object.keys(source.per_label) as (keyof typeof source.per_label)[]) {
    addCounts(target.per_label[label], source.per_label[label]);
  }
  for (const bucket of Object.keys(source.by_length) as (keyof typeof source.by_length)[]) {
    addCounts(target.by_length[bucket], source.by_length[bucket]);
  }
}

/** Sums analyses over seeds; the first one's examples are kept (trimmed to `examples` per kind). */
export function mergeErrorAnalyses(analyses: readonly ErrorAnalysis[], examples = 5): ErrorAnalysis {
  const [first, ...rest] = analyses;
  const merged: ErrorAnalysis = structuredClone(first);
  for (const analysis of rest) {
    addSide(merged.predicted, analysis.predicted);
    addSide(merged.gold, analysis.gold);
    merged.duplicates += analysis.duplicates;
    for (const [kind, issue] of Object.entries(analysis.issues)) {
      merged.issues[kind] ??= { count: 0, examples: [] };
      merged.issues[kind].count += issue.count;
    }
  }
  const trim = (lists: Record<string, string[]>) => {
    for (const kind of Object.keys(lists)) lists[kind] = lists[kind].slice(0, examples);
  };
  trim(merged.predicted.examples);
  trim(merged.gold.examples);
  for (const issue of Object.values(merged.issues)) issue.examples = issue.examples.slice(0, examples);
  return merged;
}

const RAW_LIMIT = 400;

/** Up to `limit` examples per issue kind, with the issue detail and the raw output (truncated). */
export function issueExamples(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
  limit = 3,
): Record<string, IssueExample[]> {
  const examples: Record<string, IssueExample[]> = {};
  predictions.forEach((prediction, i) => {
    for (const issue of prediction.issues ?? []) {
      examples[issue.kind] ??= [];
      const list = examples[issue.kind];
      if (list.length >= limit || list.at(-1)?.sentenceId === gold[i].id) continue;
      const raw = prediction.raw;
      list.push({
        sentenceId: gold[i].id,
        detail: issue.detail,
        raw: raw === undefined ? undefined : raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw,
      });
    }
  });
  return examples;
}
