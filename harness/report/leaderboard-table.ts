/**
 * The leaderboard in Skill-LLM Table 2's layout as format-neutral lines of text (HTML, Markdown
 * and LaTeX render the same table): per method a published line (as printed, with its protocol),
 * a reproduced line (mean ± sd over seeds, 95% CI, headline protocol, marker against the best
 * row) and a Δ line (reproduced minus published under the paper's protocol). Text uses real
 * minus and ± signs; each renderer escapes and converts them.
 */
import { meanSd, pct, printed, pValue, signed } from './format.ts';
import type { LeaderboardRow, ReportModel, ScopeNumbers, SignificanceVsBest } from './model-types.ts';
import {
  PROTOCOL_DESCRIPTIONS,
  PROTOCOL_TITLES,
  SCOPE_TITLES,
  storeMetricName,
  TABLE_SCOPES,
} from './protocols.ts';

export type CellContent = 'sd' | 'ci' | 'both';

export interface TableCell {
  text: string;
  /** the interval, printed under (HTML) or after (text formats) the main text */
  ci?: string;
  /** the fraction behind the main text, and the store metric it is the mean of */
  value?: number;
  metric?: string;
  title?: string;
  strong?: boolean;
}

export type MarkerKind = 'best' | 'better' | 'worse' | 'ns' | 'untested';

export interface Marker {
  kind: MarkerKind;
  symbol: string;
  /** p-value text (Holm-adjusted), or why untested */
  text: string;
  title: string;
}

export interface TableLine {
  kind: 'paper' | 'ours' | 'delta';
  tag: string;
  /** footnote mark of the line's protocol */
  protocolMark?: string;
  parameters?: string;
  cells: TableCell[];
  setup?: string;
  marker?: Marker;
}

export interface TableGroup {
  id: string;
  label: string;
  description?: string;
  inPaper: boolean;
  lines: TableLine[];
  /** footnote marks of the row's notes */
  noteMarks: string[];
}

export interface LeaderboardTable {
  caption: string;
  columns: string[];
  groups: TableGroup[];
  footnotes: { mark: string; text: string }[];
}

const PROTOCOL_MARKS = 'abcdefgh';
export const MARKER_SYMBOLS: Record<MarkerKind, string> = {
  best: '★',
  better: '▲',
  worse: '▼',
  ns: '≈',
  untested: '–',
};

export function markerOf(significance: SignificanceVsBest | undefined, alpha: number): Marker | undefined {
  if (!significance) return undefined;
  if (significance.role === 'best') {
    return {
      kind: 'best',
      symbol: MARKER_SYMBOLS.best,
      text: 'best',
      title: 'the best reproduced row (highest mean total F1)',
    };
  }
  if (significance.role === 'untested' || !significance.pooled) {
    return {
      kind: 'untested',
      symbol: MARKER_SYMBOLS.untested,
      text: 'not tested',
      title: significance.reason ?? 'not tested',
    };
  }
  const adjusted = significance.adjustedP ?? significance.pooled.pValue;
  const perSeed = significance.perSeed.length
    ? `; seed-by-seed: ${significance.perSeed.filter((s) => s.pValue < alpha).length} of ${significance.perSeed.length} pairs with p < ${alpha} (${significance.perSeed.map((s) => `seed ${s.seed} vs ${s.bestSeed}: p ${pValue(s.pValue)}`).join(', ')})`
    : '';
  const title = `difference ${signed(100 * significance.pooled.difference, 2)} points (seed-pooled F1); p = ${pValue(significance.pooled.pValue)}, Holm-adjusted ${pValue(adjusted)}${perSeed}`;
  const kind: MarkerKind = significance.significant
    ? significance.direction === 'better'
      ? 'better'
      : 'worse'
    : 'ns';
  return {
    kind,
    symbol: MARKER_SYMBOLS[kind],
    text: `p ${pValue(adjusted).startsWith('<') ? '' : '= '}${pValue(adjusted)}`,
    title,
  };
}

function oursCell(
  numbers: ScopeNumbers | undefined,
  metric: string,
  digits: number,
  content: CellContent,
  seeds: number[],
): TableCell {
  if (!numbers) return { text: '–', title: 'not recorded' };
  const ci = numbers.ci ? `[${pct(numbers.ci.lower, digits)}, ${pct(numbers.ci.upper, digits)}]` : undefined;
  const values = numbers.values.map((value) => pct(value, digits + 1)).join(', ');
  const title = [
    numbers.sd === undefined
      ? `one seed (${seeds.join(', ')})`
      : `mean ± sd over ${numbers.values.length} seeds (${values})`,
    numbers.ci
      ? `95% CI [${pct(numbers.ci.lower, 2)}, ${pct(numbers.ci.upper, 2)}] around the seed-pooled F1 ${pct(numbers.ci.pooled, 2)}`
      : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    text: content === 'ci' ? pct(numbers.mean, digits) : meanSd(numbers, digits),
    ci: content === 'sd' ? undefined : ci,
    value: numbers.mean,
    metric,
    title,
  };
}

export function buildLeaderboardTable(model: ReportModel, content: CellContent = 'both'): LeaderboardTable {
  const { settings } = model;
  const digits = settings.digits;
  const protocolMarks = new Map<string, string>();
  const markFor = (protocol: string) => {
    let mark = protocolMarks.get(protocol);
    if (!mark) {
      mark = PROTOCOL_MARKS[protocolMarks.size] ?? '*';
      protocolMarks.set(protocol, mark);
    }
    return mark;
  };
  markFor(settings.protocol);
  const notes: { mark: string; text: string }[] = [];
  const noteMark = (text: string) => {
    const existing = notes.find((note) => note.text === text);
    if (existing) return existing.mark;
    const mark = String(notes.length + 1);
    notes.push({ mark, text });
    return mark;
  };

  const groups = model.rows.map((row) =>
    buildGroup(row, { markFor, noteMark, digits, content, alpha: settings.significance.alpha }),
  );
  const testSet = model.testSets.find((set) => set.available) ?? model.testSets[0];
  const protocolTitle = PROTOCOL_TITLES[settings.protocol];
  const resampling = settings.bootstrap.resamples > 0;
  const unit = testSet?.unit === 'document' ? 'documents (job postings)' : 'sentences';
  const reproduced = model.rows.some((row) => row.reproduced);
  const caption = [
    `Span F1 (%) on SkillSpan test${testSet ? ` (${testSet.sentences} sentences, ${testSet.documents} documents${testSet.limit ? `, first ${testSet.limit} only` : ''})` : ''}, in the layout of Skill-LLM Table 2.`,
    'Published lines: as printed, scored with the protocol each paper used (letters).',
    ...(reproduced
      ? [
          `Reproduced lines: ${protocolTitle} (${protocolMarks.get(settings.protocol)}), ${content === 'ci' ? 'mean over seeds' : 'mean ± sd over seeds'}${resampling && content !== 'sd' ? `, then a 95% percentile-bootstrap CI of the seed-pooled F1 in brackets (${settings.bootstrap.resamples} resamples of test ${unit}, seed ${settings.bootstrap.seed})` : ''}.`,
          "Δ: reproduced minus published, both under the paper's protocol (none where the harness does not compute that protocol).",
          resampling
            ? `${MARKER_SYMBOLS.best} best reproduced row; ${MARKER_SYMBOLS.worse}/${MARKER_SYMBOLS.better}: significantly worse/better than it, ${MARKER_SYMBOLS.ns}: not significant (paired ${settings.significance.method === 'bootstrap' ? 'bootstrap' : 'approximate randomisation'} on the same test ${unit}, all seeds pooled, Holm-adjusted p, α = ${settings.significance.alpha}).`
            : 'No significance tests (--bootstrap 0).',
        ]
      : ['No reproduced run yet.']),
  ].join(' ');
  const footnotes = [
    ...[...protocolMarks.entries()].map(([protocol, mark]) => ({
      mark,
      text: `${PROTOCOL_TITLES[protocol] ?? protocol}: ${PROTOCOL_DESCRIPTIONS[protocol] ?? 'see the row note.'}`,
    })),
    ...notes,
  ];
  return {
    caption,
    columns: [
      'Method',
      '',
      'Parameters',
      ...TABLE_SCOPES.map((scope) => SCOPE_TITLES[scope]),
      'Training & Inference',
      'vs best',
    ],
    groups,
    footnotes,
  };
}

function buildGroup(
  row: LeaderboardRow,
  context: {
    markFor: (protocol: string) => string;
    noteMark: (text: string) => string;
    digits: number;
    content: CellContent;
    alpha: number;
  },
): TableGroup {
  const { digits } = context;
  const lines: TableLine[] = [];
  if (row.published) {
    const published = row.published;
    lines.push({
      kind: 'paper',
      tag: `published: ${published.source.split(';')[0].trim()}`,
      protocolMark: context.markFor(published.protocol),
      parameters: published.parameters,
      cells: TABLE_SCOPES.map((scope) => ({
        text: printed(published.f1[scope], 1),
        value: published.f1[scope] === undefined ? undefined : published.f1[scope]! / 100,
        title: `${published.source}; ${PROTOCOL_TITLES[published.protocol] ?? published.protocol}`,
      })),
      setup: published.setup,
    });
  }
  const reproduced = row.reproduced;
  if (reproduced) {
    const seeds = reproduced.seeds;
    lines.push({
      kind: 'ours',
      tag: `reproduced, ${seeds.length} seed${seeds.length === 1 ? '' : 's'}`,
      protocolMark: context.markFor(reproduced.protocol),
      parameters: reproduced.parameters ?? (row.published ? undefined : row.parameters),
      cells: TABLE_SCOPES.map((scope) =>
        oursCell(
          reproduced.scopes[scope],
          storeMetricName('test', reproduced.protocol, scope),
          digits,
          context.content,
          seeds,
        ),
      ),
      setup: [reproduced.setup, reproduced.configuration].filter(Boolean).join('; '),
      marker: markerOf(row.significance, context.alpha),
    });
    const ours = lines.at(-1)!;
    if (ours.marker?.kind === 'best') ours.cells[TABLE_SCOPES.indexOf('overall')].strong = true;
    if (row.published) {
      lines.push({
        kind: 'delta',
        tag: 'Δ (paper protocol)',
        cells: row.comparisons.map((comparison) =>
          comparison.delta === undefined
            ? { text: '–', title: comparison.reason }
            : {
                text: signed(comparison.delta, digits),
                ci: comparison.protocol,
                value: comparison.delta / 100,
                title: `ours ${printed(comparison.ours, 2)} vs paper ${printed(comparison.paper, 1)} under ${PROTOCOL_TITLES[comparison.protocol ?? ''] ?? comparison.protocol}`,
              },
        ),
      });
    }
  }
  const noteTexts = [...(row.published?.note ? [row.published.note] : []), ...row.notes];
  return {
    id: row.id,
    label: row.label,
    description: row.description,
    inPaper: row.inPaper,
    lines,
    noteMarks: noteTexts.map((text) => context.noteMark(text)),
  };
}
