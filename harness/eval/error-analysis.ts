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
/** Every kind a span can have, predicted kinds first. */
export const SPAN_KINDS = [...PREDICTED_KINDS, 'missed'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

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

// Kind codes: indices into SPAN_KINDS (the predicted kinds, then missed).
const EXACT = 0;
const BOUNDARY = 1;
const LABEL = 2;
const LABEL_BOUNDARY = 3;
const SPURIOUS = 4;
const MISSED = 5;
/** Among the relations of overlapping spans, lower is closer (label > boundary > label_boundary). */
const RANK = [0, 1, 0, 2];

/**
 * The closest relation of `span` to any of `others` (EXACT, LABEL, BOUNDARY or LABEL_BOUNDARY),
 * or -1 when it overlaps none.
 */
function relation(span: Span, others: readonly Span[]): number {
  let best = -1;
  for (let k = 0; k < others.length; k++) {
    const other = others[k];
    let found: number;
    if (span.start === other.start && span.end === other.end) {
      if (span.label === other.label) return EXACT;
      found = LABEL;
    } else if (span.start < other.end && other.start < span.end) {
      found = span.label === other.label ? BOUNDARY : LABEL_BOUNDARY;
    } else {
      continue;
    }
    if (best < 0 || RANK[found] < RANK[best]) best = found;
  }
  return best;
}

/**
 * The per-span classifier (ERROR_ANALYSIS_RULE), as codes: writes the kind of each predicted span
 * to `predicted[k]` and of each gold span to `gold[k]`, as indices into SPAN_KINDS. Repeats on
 * either side change nothing: a span's kind depends only on its value and on the set of spans on
 * the other side.
 */
export function classifySpanCodes(
  gold: readonly Span[],
  prediction: readonly Span[],
  predicted: Int32Array | number[],
  goldKinds: Int32Array | number[],
): void {
  for (let k = 0; k < prediction.length; k++) {
    const found = relation(prediction[k], gold);
    predicted[k] = found < 0 ? SPURIOUS : found;
  }
  for (let k = 0; k < gold.length; k++) {
    const found = relation(gold[k], prediction);
    goldKinds[k] = found < 0 ? MISSED : found;
  }
}

/** The kind of every span of one sentence, each side in its own order. */
export interface SpanClassification {
  /** per predicted span (an exact repeat has the kind of the span it repeats) */
  predicted: PredictedKind[];
  /** per gold span */
  gold: GoldKind[];
}

/**
 * Classifies each predicted and each gold span of one sentence by its closest relation to any
 * span on the other side (ERROR_ANALYSIS_RULE): exact, label, boundary or label_boundary, else
 * spurious (a prediction) or missed (a gold).
 */
export function classifySpans(gold: readonly Span[], prediction: readonly Span[]): SpanClassification {
  const predicted: number[] = [];
  const goldKinds: number[] = [];
  classifySpanCodes(gold, prediction, predicted, goldKinds);
  return {
    predicted: predicted.map((code) => SPAN_KINDS[code] as PredictedKind),
    gold: goldKinds.map((code) => SPAN_KINDS[code] as GoldKind),
  };
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

function bucketIndex(tokens: number): number {
  if (tokens <= 1) return 0;
  if (tokens === 2) return 1;
  if (tokens <= 4) return 2;
  if (tokens <= 8) return 3;
  return 4;
}

/** One side's counts by kind (its five kinds in order), label and length bucket, then its analysis. */
class SideTally {
  total = 0;
  readonly counts = new Float64Array(5);
  readonly perLabel = new Float64Array(LABELS.length * 5);
  readonly byLength = new Float64Array(LENGTH_BUCKETS.length * 5);
  readonly examples: string[][] = [[], [], [], [], []];

  constructor(private readonly limit: number) {}

  add(kind: number, span: Span, sentenceId: string): void {
    this.total++;
    this.counts[kind]++;
    this.perLabel[LABELS.indexOf(span.label) * 5 + kind]++;
    this.byLength[bucketIndex(span.end - span.start) * 5 + kind]++;
    const ids = this.examples[kind];
    if (ids.length < this.limit && ids.at(-1) !== sentenceId) ids.push(sentenceId);
  }

  build<K extends string>(kinds: readonly K[]): SideAnalysis<K> {
    const side = emptySide(kinds);
    side.total = this.total;
    kinds.forEach((kind, k) => {
      side.counts[kind] = this.counts[k];
      LABELS.forEach((label, l) => {
        side.per_label[label][kind] = this.perLabel[l * 5 + k];
      });
      LENGTH_BUCKETS.forEach((bucket, b) => {
        side.by_length[bucket][kind] = this.byLength[b * 5 + k];
      });
      side.examples[kind] = this.examples[k];
    });
    return side;
  }
}

/** Whether spans[k] repeats an earlier span of the list exactly. */
function repeatsEarlier(spans: readonly Span[], k: number): boolean {
  const span = spans[k];
  for (let j = 0; j < k; j++) {
    const other = spans[j];
    if (other.start === span.start && other.end === span.end && other.label === span.label) return true;
  }
  return false;
}

const NO_SPANS: readonly Span[] = [];

/**
 * `predictions[i]` is the prediction for `gold[i]`. Every span is classified by classifySpanCodes;
 * each side is counted once per distinct span (predictions are deduplicated first, as the rule
 * says). `onSentence` receives the kind codes (indices into SPAN_KINDS) of every predicted and gold
 * span of each sentence with a span on either side; the arrays are reused once it returns.
 */
export function analyzeErrors(
  gold: readonly Sentence[],
  predictions: readonly Prediction[],
  options: {
    examples?: number;
    onSentence?: (index: number, predicted: Int32Array, gold: Int32Array) => void;
  } = {},
): ErrorAnalysis {
  const examples = options.examples ?? 5;
  const predicted = new SideTally(examples);
  const goldSide = new SideTally(examples);
  const issues: ErrorAnalysis['issues'] = {};
  let duplicates = 0;
  let predictedKinds = new Int32Array(16);
  let goldKinds = new Int32Array(16);
  for (let i = 0; i < gold.length; i++) {
    const sentence = gold[i];
    const prediction = predictions[i];
    const spans = prediction?.spans ?? NO_SPANS;
    const goldSpans = sentence.spans;
    if (spans.length > 0 || goldSpans.length > 0) {
      if (predictedKinds.length < spans.length) predictedKinds = new Int32Array(2 * spans.length);
      if (goldKinds.length < goldSpans.length) goldKinds = new Int32Array(2 * goldSpans.length);
      classifySpanCodes(goldSpans, spans, predictedKinds, goldKinds);
      for (let k = 0; k < spans.length; k++) {
        if (repeatsEarlier(spans, k)) duplicates++;
        else predicted.add(predictedKinds[k], spans[k], sentence.id);
      }
      for (let k = 0; k < goldSpans.length; k++) {
        // the gold side's fifth kind, missed, is code MISSED (its kinds skip spurious)
        const kind = goldKinds[k];
        if (!repeatsEarlier(goldSpans, k))
          goldSide.add(kind === MISSED ? 4 : kind, goldSpans[k], sentence.id);
      }
      options.onSentence?.(
        i,
        predictedKinds.subarray(0, spans.length),
        goldKinds.subarray(0, goldSpans.length),
      );
    }
    for (const issue of prediction?.issues ?? []) {
      issues[issue.kind] ??= { count: 0, examples: [] };
      const entry = issues[issue.kind];
      entry.count++;
      if (entry.examples.length < examples && entry.examples.at(-1) !== sentence.id)
        entry.examples.push(sentence.id);
    }
  }
  return {
    rule: ERROR_ANALYSIS_RULE,
    predicted: predicted.build(PREDICTED_KINDS),
    gold: goldSide.build(GOLD_KINDS),
    duplicates,
    issues,
  };
}
