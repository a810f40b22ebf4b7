/**
 * The error analysis section's view (harness/eval/error-analysis.ts, summed over each row's seeds):
 * composition bars of gold and predicted spans, count tables with shares, exact-match shares by
 * gold span length, and for generative methods the prediction issues with examples.
 */

import { GOLD_KINDS, LENGTH_BUCKETS, PREDICTED_KINDS } from '../../eval/error-analysis.ts';
import { stackedBars } from '../charts/svg-stacked-bars.ts';
import { count } from '../format.ts';
import type { ErrorRow, ReportModel } from '../model-types.ts';

export const KIND_TITLES: Record<string, string> = {
  exact: 'exact',
  boundary: 'boundary error',
  label: 'label error',
  label_boundary: 'label + boundary',
  missed: 'missed',
  spurious: 'spurious',
};

export const KIND_COLORS: Record<string, string> = {
  exact: '#009E73',
  boundary: '#E69F00',
  label: '#CC79A7',
  label_boundary: '#56B4E9',
  missed: '#D55E00',
  spurious: '#D55E00',
};

interface CountCell {
  text: string;
  title?: string;
}

export interface ErrorsView {
  rule: string;
  goldBars: string;
  predictedBars: string;
  goldColumns: string[];
  predictedColumns: string[];
  rows: {
    rowId: string;
    label: string;
    seeds: number;
    gold: CountCell[];
    predicted: CountCell[];
    examples: { kind: string; ids: string[] }[];
  }[];
  buckets: string[];
  lengthRows: { label: string; cells: CountCell[]; detail: { kind: string; counts: string[] }[] }[];
  generative: {
    label: string;
    seeds: number;
    issues: {
      kind: string;
      count: string;
      perSeed: string;
      examples: { sentenceId: string; detail?: string; raw?: string }[];
    }[];
  }[];
}

function share(part: number, total: number): string {
  return total > 0 ? `${((100 * part) / total).toFixed(1)}%` : '–';
}

function countCells<K extends string>(
  kinds: readonly K[],
  counts: Record<K, number>,
  total: number,
): CountCell[] {
  return [
    { text: count(total) },
    ...kinds.map((kind) => ({
      text: `${count(counts[kind])} (${share(counts[kind], total)})`,
      title: `${KIND_TITLES[kind]}: ${counts[kind]} of ${total}`,
    })),
  ];
}

export function errorsView(model: ReportModel): ErrorsView {
  const rows = model.errors;
  const bars = (side: 'gold' | 'predicted') => {
    const kinds = side === 'gold' ? GOLD_KINDS : PREDICTED_KINDS;
    return stackedBars(
      rows.map((row) => ({
        label: row.label,
        counts: kinds.map((kind) => (row.analysis[side].counts as Record<string, number>)[kind]),
      })),
      {
        title:
          side === 'gold'
            ? 'Gold spans: what the prediction did with each'
            : 'Predicted spans: what each one is',
        categories: kinds.map((kind) => KIND_TITLES[kind]),
        colors: kinds.map((kind) => KIND_COLORS[kind]),
      },
    );
  };
  return {
    rule: rows[0]?.analysis.rule ?? '',
    goldBars: bars('gold'),
    predictedBars: bars('predicted'),
    goldColumns: ['gold spans', ...GOLD_KINDS.map((kind) => KIND_TITLES[kind])],
    predictedColumns: ['predicted spans', ...PREDICTED_KINDS.map((kind) => KIND_TITLES[kind]), 'duplicates'],
    rows: rows.map((row) => ({
      rowId: row.rowId,
      label: row.label,
      seeds: row.seeds,
      gold: countCells(GOLD_KINDS, row.analysis.gold.counts, row.analysis.gold.total),
      predicted: [
        ...countCells(PREDICTED_KINDS, row.analysis.predicted.counts, row.analysis.predicted.total),
        { text: count(row.analysis.duplicates) },
      ],
      examples: [
        ...GOLD_KINDS.filter((kind) => kind !== 'exact').map((kind) => ({
          kind: `gold ${KIND_TITLES[kind]}`,
          ids: row.analysis.gold.examples[kind],
        })),
        { kind: 'spurious', ids: row.analysis.predicted.examples.spurious },
      ].filter((entry) => entry.ids.length > 0),
    })),
    buckets: [...LENGTH_BUCKETS],
    lengthRows: rows.map((row) => lengthRow(row)),
    generative: rows
      .filter((row) => row.generative || Object.keys(row.analysis.issues).length > 0)
      .map((row) => ({
        label: row.label,
        seeds: row.seeds,
        issues: Object.entries(row.analysis.issues)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([kind, issue]) => ({
            kind,
            count: count(issue.count),
            perSeed: count(Math.round((10 * issue.count) / row.seeds) / 10),
            examples: row.issueExamples[kind] ?? [],
          })),
      })),
  };
}

function lengthRow(row: ErrorRow): ErrorsView['lengthRows'][number] {
  const gold = row.analysis.gold;
  return {
    label: row.label,
    cells: LENGTH_BUCKETS.map((bucket) => {
      const counts = gold.by_length[bucket];
      const total = GOLD_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
      return {
        text: total ? `${share(counts.exact, total)} of ${total}` : '–',
        title: GOLD_KINDS.map((kind) => `${KIND_TITLES[kind]} ${counts[kind]}`).join(', '),
      };
    }),
    detail: GOLD_KINDS.map((kind) => ({
      kind: KIND_TITLES[kind],
      counts: LENGTH_BUCKETS.map((bucket) => String(gold.by_length[bucket][kind])),
    })),
  };
}
