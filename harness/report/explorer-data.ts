/**
 * The sentence explorer's embedded data, kept compact: each sentence's tokens once (shared by all
 * methods), gold spans as flat integer triples (label index, start, end exclusive), and per method
 * its predicted spans as flat quadruples (label index, start, end exclusive, error kind), the error
 * kind of each gold span as a string of digits, and a bit mask of the error kinds
 * (harness/eval/error-analysis.ts classifySpans) and prediction issues the sentence has. Error
 * kinds are indices into `spanKinds`, which are also the first mask bits. Only sentences with a
 * gold span, a predicted span or an issue in some method are embedded; the rest have nothing to
 * show.
 */
import { LABELS, type Sentence, type Span } from '../data/types.ts';
import { SPAN_KINDS } from '../eval/error-analysis.ts';
import type { ExplorerData } from './model-types.ts';
import type { ExplorerColumns } from './run-analysis.ts';

/** Error kinds in mask bit order; issue kinds follow, in order of first appearance. */
export const EXPLORER_ERROR_KINDS: string[] = [...SPAN_KINDS];

function flatSpans(spans: readonly Span[]): number[] {
  const flat: number[] = [];
  for (const span of spans) flat.push(LABELS.indexOf(span.label), span.start, span.end);
  return flat;
}

interface MethodColumn {
  rowId: string;
  label: string;
  runId: number;
  seed: number;
  spans: Map<number, number[]>;
  goldKinds: Map<number, string>;
  masks: Map<number, number>;
  raw: Map<number, string>;
}

export class ExplorerBuilder {
  private readonly methods: MethodColumn[] = [];
  private readonly kinds = [...EXPLORER_ERROR_KINDS];

  constructor(private readonly gold: readonly Sentence[]) {}

  /** Adds a method column from a run's explorer columns (its kinds are mapped onto the explorer's bits). */
  addMethod(
    method: { rowId: string; label: string; runId: number; seed: number },
    columns: ExplorerColumns,
  ): void {
    const bits = columns.kinds.map((kind) => this.kindIndex(kind));
    const masks = new Map<number, number>();
    for (const [sentence, mask] of columns.masks) {
      let mapped = 0;
      bits.forEach((bit, k) => {
        if (bit >= 0 && mask & (1 << k)) mapped |= 1 << bit;
      });
      masks.set(sentence, mapped);
    }
    this.methods.push({
      ...method,
      spans: new Map(columns.spans),
      goldKinds: new Map(columns.goldKinds),
      masks,
      raw: new Map(columns.raw),
    });
  }

  get size(): number {
    return this.methods.length;
  }

  /** The bit of a kind (-1 beyond 31 kinds: such a kind is not filterable). */
  private kindIndex(kind: string): number {
    let index = this.kinds.indexOf(kind);
    if (index < 0 && this.kinds.length < 31) {
      this.kinds.push(kind);
      index = this.kinds.length - 1;
    }
    return index;
  }

  build(): ExplorerData {
    const sources = [...new Set(this.gold.map((sentence) => sentence.source))].sort();
    const shown = new Uint8Array(this.gold.length);
    this.gold.forEach((sentence, i) => {
      if (sentence.spans.length > 0) shown[i] = 1;
    });
    for (const method of this.methods) {
      for (const i of method.spans.keys()) shown[i] = 1;
      for (const i of method.masks.keys()) shown[i] = 1;
    }
    const kept: number[] = [];
    shown.forEach((flag, i) => {
      if (flag) kept.push(i);
    });
    const data = {
      labels: LABELS,
      kinds: this.kinds,
      errorKinds: EXPLORER_ERROR_KINDS.length,
      spanKinds: EXPLORER_ERROR_KINDS,
      sources,
      methods: this.methods.map((m) => ({ row: m.rowId, label: m.label, seed: m.seed, run: m.runId })),
      // [id, docId, source index, tokens, gold spans]
      sentences: kept.map((i) => {
        const sentence = this.gold[i];
        return [
          sentence.id,
          sentence.docId,
          sources.indexOf(sentence.source),
          sentence.tokens,
          flatSpans(sentence.spans),
        ];
      }),
      // per method: predicted spans (quadruples with their kind) and the kinds of the gold spans
      pred: this.methods.map((m) => kept.map((i) => m.spans.get(i) ?? 0)),
      goldKinds: this.methods.map((m) => kept.map((i) => m.goldKinds.get(i) ?? 0)),
      mask: this.methods.map((m) => kept.map((i) => m.masks.get(i) ?? 0)),
      raw: this.methods.map((m) =>
        Object.fromEntries(kept.flatMap((i, k) => (m.raw.has(i) ? [[k, m.raw.get(i)]] : []))),
      ),
    };
    return {
      methods: this.methods.map(({ rowId, label, runId, seed }) => ({ rowId, label, runId, seed })),
      sources,
      sentences: kept.length,
      totalSentences: this.gold.length,
      json: scriptSafeJson(data),
    };
  }
}

/** JSON that can sit inside a <script> element: no "</script", no "<!--". */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
