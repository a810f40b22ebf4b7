/**
 * Error analysis of one method's predictions (for the report): every predicted span and every
 * gold span gets one kind.
 *
 * Matching rule (deterministic and independent of span order): within a sentence, predictions are
 * a set (exact repeats collapse and are counted as `duplicates`), and each span is classified by
 * its closest relation to ANY span of the other side, in this priority:
 *   exact           same label, start and end
 *   label           same start and end, other label
 *   boundary        same label, tokens overlap, other extent
 *   label_boundary  other label, tokens overlap, other extent
 *   spurious (a prediction) / missed (a gold): overlaps nothing
 * Overlap means sharing at least one token (end-exclusive spans; not nervaluate's inclusive-range
 * quirk). No one-to-one assignment is made: one prediction over two golds is one `boundary`
 * prediction and two `boundary` golds, so the two sides are counted separately.
 */
import { LABELS, type Label, type Prediction, type Sentence, type Span } from '../data/types.ts';

export const PREDICTED_KINDS = ['exact', 'boundary', 'label', 'label_boundary', 'spurious'] as const;
export type PredictedKind = (typeof PREDICTED_KINDS)[number];
export const GOLD_KINDS = ['exact', 'boundary', 'label', 'label_boundary', 'missed'] as const;
export type GoldKind = (typeof GOLD_KINDS)[number];

export const LENGTH_BUCKETS = ['1', '2', '3-4', '5-8', '9+'] as const;
export type LengthBucket = (typeof LENGTH_BUCKETS)[number];

export function lengthBucket(tokens: number): LengthBucket {
  if (tokens <= 1) return '1';
  if (tokens === 2) return '2';
  if (tokens <= 4) return '3-4';
  if (tokens <= 8) return '5-8';
  return '9+';
}

export interface SideAnalysis<K extends string> {
  total: number;
  counts: Record<K, number>;
  per_label: Record<Label, Record<K, number>>;
  by_length: Record<LengthBucket, Record<K, number>>;
  /** up to `examples` sentence ids per kind, in gold order */
  examples: Record<K, string[]>;
}

export interface ErrorAnalysis {
  rule: string;
  predicted: SideAnalysis<PredictedKind>;
  gold: SideAnalysis<GoldKind>;
  /** predicted spans that repeated another predicted span of the same sentence exactly */
  duplicates: number;
  /** prediction issues (unparsable output, unaligned spans, ...) by kind */
  issues: Record<string, { count: number; examples: string[] }>;
}

export const ERROR_ANALYSIS_RULE =
  'Each predicted and each gold span takes its closest relation to any span on the other side of the same ' +
  'sentence (exact > label > boundary > label_boundary > spurious/missed); overlap = at least one shared token; ' +
  'predictions are deduplicated first; no one-to-one assignment, so the two sides are counted separately.';

function sameExtent(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The closest relation of `span` to any of `others`, or undefined when it overlaps none. */
function relation(
  span: Span,
  others: readonly Span[],
): 'exact' | 'label' | 'boundary' | 'label_boundary' | undefined {
  let best: 'label' | 'boundary' | 'label_boundary' | undefined;
  const rank = { label: 0, boundary: 1, label_boundary: 2 } as const;
  for (const other of others) {
    let found: 'label' | 'boundary' | 'label_boundary' | undefined;
    if (sameExtent(span, other)) {
      if (span.label === other.label) return 'exact';
      found = 'label';
    } else if (overlaps(span, other)) {
      found = span.label === other.label ? 'boundary' : 'label_boundary';
    }
    if (found && (!best || rank[found] < rank[best])) best = found;
  }
  return best;
}

function emptySide<K extends string>(kinds: readonly K[]): SideAnalysis<K> {
  const zero = () => Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<K, number>;
  return {
    total: 0,
    counts: zero(),
    per_label: Object.fromEntries(LABELS.map((label) => [label, zero()])) as Record<Label, Record<K, number>>,
    by_length: Object.fromEntries(LENGTH_BUCKETS.map((bucket) => [bucket, zero()])) as Record<
      LengthBucket,
      Record<K, number>
    >,
    examples: Object.fromEntries(kinds.map((kind) => [kind, []])) as unknown as Record<K, string[]>,
  };
}

function record<K extends string>(
  side: SideAnalysis<K>,
  kind: K,
  span: Span,
  sentenceId: string,
  examples: number,
) {
  side.total++;
  side.counts[kind]++;
  side.per_label[span.label][kind]++;
  side.by_length[lengthBucket(span.end - span.start)][kind]++;
  const ids = side.examples[kind];
  if (ids.length < examples && ids.at(-1) !== sentenceId) ids.push(sentenceId);
}

function uniqueSpans(spans: readonly Span[]): { unique: Span[]; duplicates: number } {
  const seen = new Set<string>();
  const unique: Span[] = [];
  for (const span of spans) {
    const key = `${span.label}:${span.start}:${span.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(span);
  }
  return { unique, duplicates: spans.length - unique.length };
}

/** `predictions[i]` is the prediction for `gold[i]`. */
export function analyzeErrors(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
  options: { examples?: number } = {},
): ErrorAnalysis {
  const examples = options.examples ?? 5;
  const predicted = emptySide(PREDICTED_KINDS);
  const goldSide = emptySide(GOLD_KINDS);
  const issues: ErrorAnalysis['issues'] = {};
  let duplicates = 0;
  gold.forEach((sentence, i) => {
    const prediction = predictions[i];
    const { unique, duplicates: repeated } = uniqueSpans(prediction?.spans ?? []);
    duplicates += repeated;
    const goldSpans = uniqueSpans(sentence.spans).unique;
    for (const span of unique)
      record(predicted, relation(span, goldSpans) ?? 'spurious', span, sentence.id, examples);
    for (const span of goldSpans)
      record(goldSide, relation(span, unique) ?? 'missed', span, sentence.id, examples);
    for (const issue of prediction?.issues ?? []) {
      issues[issue.kind] ??= { count: 0, examples: [] };
      const entry = issues[issue.kind];
      entry.count++;
      if (entry.examples.length < examples && entry.examples.at(-1) !== sentence.id)
        entry.examples.push(sentence.id);
    }
  });
  return { rule: ERROR_ANALYSIS_RULE, predicted, gold: goldSide, duplicates, issues };
}
