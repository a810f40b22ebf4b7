/**
 * The spans of many sentences as parallel typed arrays (one allocation per corpus instead of one
 * object per span), which is what the scorers' inner loops read. Spans keep the code's convention:
 * `end` is exclusive. Labels are indices into LABELS.
 */
import { LABELS, type Span } from '../data/types.ts';

export interface SpanTable {
  /** the spans of sentence s are rows offsets[s] .. offsets[s + 1] - 1 */
  offsets: Int32Array;
  label: Uint8Array;
  start: Int32Array;
  end: Int32Array;
}

const LABEL_INDEX = new Map<string, number>(LABELS.map((label, i) => [label, i]));

/** LABELS.indexOf(label), throwing on a label the scorers do not know. */
export function labelIndex(label: string): number {
  const index = LABEL_INDEX.get(label);
  if (index === undefined) throw new Error(`unknown span label ${JSON.stringify(label)}`);
  return index;
}

/** The spans of every list, each list in its own order. */
export function spanTable(lists: readonly { readonly spans: readonly Span[] }[]): SpanTable {
  const count = lists.length;
  const offsets = new Int32Array(count + 1);
  let total = 0;
  for (let s = 0; s < count; s++) {
    offsets[s] = total;
    total += lists[s].spans.length;
  }
  offsets[count] = total;
  const table: SpanTable = {
    offsets,
    label: new Uint8Array(total),
    start: new Int32Array(total),
    end: new Int32Array(total),
  };
  for (let s = 0; s < count; s++) {
    const spans = lists[s].spans;
    const from = offsets[s];
    for (let k = 0; k < spans.length; k++) {
      const span = spans[k];
      table.label[from + k] = labelIndex(span.label);
      table.start[from + k] = span.start;
      table.end[from + k] = span.end;
    }
  }
  return table;
}
