/**
 * nervaluate 0.2.0 (`compute_metrics` in src/nervaluate/evaluate.py), the Skill-LLM protocol, with
 * its quirks kept on purpose (fixtures/eval-vectors/PROTOCOLS.md, section A): duplicates count as
 * correct every time, one prediction can be `incorrect` against several golds, the result depends
 * on the order of predictions with equal ends, wrong-label errors are charged to the gold's label,
 * and ranges are inclusive.
 *
 * Counts live in a flat array (scope x schema x outcome) so that per-sentence counts can be summed
 * cheaply (micro averaging, bootstrap resampling) before precision/recall/F1 are computed.
 */
import { LABELS, type Label, type Span } from '../data/types.ts';
import { harmonicMean, ratio } from './metrics.ts';
import { type SpanTable, spanTable } from './span-table.ts';
import {
  NERVALUATE_OUTCOMES,
  NERVALUATE_SCHEMAS,
  type NervaluateOutcome,
  type NervaluateResult,
  type NervaluateSchema,
  type NervaluateSchemas,
  type NervaluateScore,
} from './types.ts';

/** Scopes of the count array: 0 is overall, then one per label in LABELS order. */
const SCOPES = 1 + LABELS.length;
const SCHEMA_COUNT = NERVALUATE_SCHEMAS.length;
const OUTCOME_COUNT = NERVALUATE_OUTCOMES.length;
export const NERVALUATE_STAT_COUNT = SCOPES * SCHEMA_COUNT * OUTCOME_COUNT;

// imported functions as module constants (each read of an imported binding is a getter call)
const harmonicMeanOf = harmonicMean;
const ratioOf = ratio;

const STRICT = 0;
const EXACT = 1;
const PARTIAL = 2;
const ENT_TYPE = 3;
const CORRECT = 0;
const INCORRECT = 1;
const PARTIAL_MATCH = 2;
const MISSED = 3;
const SPURIOUS = 4;

/** Position of one count in the flat array. */
export function nervaluateStatIndex(
  scope: 'overall' | Label,
  schema: NervaluateSchema,
  outcome: NervaluateOutcome,
): number {
  const scopeIndex = scope === 'overall' ? 0 : 1 + LABELS.indexOf(scope);
  return (
    (scopeIndex * SCHEMA_COUNT + NERVALUATE_SCHEMAS.indexOf(schema)) * OUTCOME_COUNT +
    NERVALUATE_OUTCOMES.indexOf(outcome)
  );
}

/**
 * Gold spans in nervaluate's order: each sentence's golds sorted by start (a stable sort, like
 * Python's list.sort, so golds with equal starts keep the dataset's order).
 */
export interface NervaluateGold extends SpanTable {
  /**
   * nervaluate marks golds by value (`true in true_which_overlapped_with_pred`), so equal golds
   * share one mark: canonical[i] is the row of the first gold of the same sentence equal to gold i.
   */
  canonical: Int32Array;
}

/** Prepares the golds of every sentence once (they are the same for every system scored). */
export function nervaluateGold(lists: readonly { readonly spans: readonly Span[] }[]): NervaluateGold {
  // Array.prototype.sort is stable, like Python's list.sort.
  const table = spanTable(
    lists.map((list) => ({ spans: [...list.spans].sort((a, b) => a.start - b.start) })),
  );
  const canonical = new Int32Array(table.start.length);
  const { offsets, start, end, label } = table;
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let i = offsets[s]; i < offsets[s + 1]; i++) {
      let first = i;
      for (let j = offsets[s]; j < i; j++) {
        if (start[j] === start[i] && end[j] === end[i] && label[j] === label[i]) {
          first = j;
          break;
        }
      }
      canonical[i] = first;
    }
  }
  return { ...table, canonical };
}

// Scratch space of countNervaluatePrepared, grown as needed (no allocation per sentence).
let predOrder = new Int32Array(64);
let marked = new Uint8Array(64);

function add(out: Float64Array, offset: number, label: number, schema: number, outcome: number): void {
  out[offset + schema * OUTCOME_COUNT + outcome] += 1;
  out[offset + ((1 + label) * SCHEMA_COUNT + schema) * OUTCOME_COUNT + outcome] += 1;
}

function addAll(out: Float64Array, offset: number, label: number, outcome: number): void {
  for (let schema = 0; schema < SCHEMA_COUNT; schema++) add(out, offset, label, schema, outcome);
}

/**
 * Adds the counts of one sentence to `out` (at `offset`): the golds of sentence `g` of `gold`
 * against the predictions of sentence `p` of `pred`, which must be in the order the method
 * produced them (ties on the end keep that order). Ends are exclusive here; the comparisons are
 * nervaluate's on inclusive ranges, rewritten (for integers, `a <= b - 1` is `a < b`).
 */
export function countNervaluatePrepared(
  gold: NervaluateGold,
  g: number,
  pred: SpanTable,
  p: number,
  out: Float64Array,
  offset: number,
): void {
  const gFrom = gold.offsets[g];
  const gTo = gold.offsets[g + 1];
  const pFrom = pred.offsets[p];
  const n = pred.offsets[p + 1] - pFrom;
  if (gFrom === gTo && n === 0) return;
  const predEnd = pred.end;
  // the predictions sorted by end, stable (insertion sort: a sentence has a handful)
  if (predOrder.length < n) predOrder = new Int32Array(2 * n);
  const order = predOrder;
  for (let k = 0; k < n; k++) {
    const row = pFrom + k;
    const end = predEnd[row];
    let j = k;
    while (j > 0 && predEnd[order[j - 1]] > end) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = row;
  }
  if (marked.length < gTo - gFrom) marked = new Uint8Array(2 * (gTo - gFrom));
  const mark = marked;
  mark.fill(0, 0, gTo - gFrom);
  const gStart = gold.start;
  const gEnd = gold.end;
  const gLabel = gold.label;
  const canonical = gold.canonical;

  for (let k = 0; k < n; k++) {
    const row = order[k];
    const ps = pred.start[row];
    const pe = predEnd[row];
    const pl = pred.label[row];
    // Scenario I: an exact match counts as correct, whether or not that gold was matched before.
    let exact = -1;
    for (let i = gFrom; i < gTo; i++) {
      if (gStart[i] === ps && gEnd[i] === pe && gLabel[i] === pl) {
        exact = i;
        break;
      }
    }
    if (exact >= 0) {
      mark[canonical[exact] - gFrom] = 1;
      addAll(out, offset, pl, CORRECT);
      continue;
    }
    let found = false;
    for (let i = gFrom; i < gTo; i++) {
      const gs = gStart[i];
      // inclusive p.end < g.start
      if (pe <= gs) break;
      const ge = gEnd[i];
      const gl = gLabel[i];
      // Scenario IV: same boundaries, other label; charged to the gold's label, stops the scan.
      if (gs === ps && ge === pe && gl !== pl) {
        add(out, offset, gl, STRICT, INCORRECT);
        add(out, offset, gl, ENT_TYPE, INCORRECT);
        add(out, offset, gl, PARTIAL, CORRECT);
        add(out, offset, gl, EXACT, CORRECT);
        mark[canonical[i] - gFrom] = 1;
        found = true;
        break;
      }
      // Scenarios V and VI: inclusive ranges overlap and this gold is not marked yet; the scan
      // goes on, so one prediction can count against several golds.
      if (ps < ge && gs < pe && mark[canonical[i] - gFrom] === 0) {
        mark[canonical[i] - gFrom] = 1;
        add(out, offset, gl, STRICT, INCORRECT);
        add(out, offset, gl, ENT_TYPE, gl === pl ? CORRECT : INCORRECT);
        add(out, offset, gl, PARTIAL, PARTIAL_MATCH);
        add(out, offset, gl, EXACT, INCORRECT);
        found = true;
      }
    }
    // Scenario II: nothing matched, spurious, charged to the prediction's label.
    if (!found) addAll(out, offset, pl, SPURIOUS);
  }
  // Scenario III: every gold never marked is missed.
  for (let i = gFrom; i < gTo; i++) {
    if (mark[canonical[i] - gFrom] === 0) addAll(out, offset, gLabel[i], MISSED);
  }
}

/**
 * Adds one sentence's counts to `out` (at `offset`). `gold` and `pred` are end-exclusive spans;
 * `pred` must be in the order the method produced them (ties on the end keep that order), and
 * `gold` in the dataset's order (SKILL layer first, then KNOWLEDGE, each left to right: the order
 * the reference runs listed them in; golds with equal starts keep it).
 */
export function countNervaluateSentence(
  gold: readonly Span[],
  pred: readonly Span[],
  out: Float64Array,
  offset = 0,
): void {
  countNervaluatePrepared(nervaluateGold([{ spans: gold }]), 0, spanTable([{ spans: pred }]), 0, out, offset);
}

function schemaScore(counts: ArrayLike<number>, base: number, schema: number): NervaluateScore {
  const at = base + schema * OUTCOME_COUNT;
  const correct = counts[at + CORRECT];
  const incorrect = counts[at + INCORRECT];
  const partial = counts[at + PARTIAL_MATCH];
  const missed = counts[at + MISSED];
  const spurious = counts[at + SPURIOUS];
  const possible = correct + incorrect + partial + missed;
  const actual = correct + incorrect + partial + spurious;
  // partial and ent_type give half credit to partial matches (ent_type never has any).
  const credit = schema === PARTIAL || schema === ENT_TYPE ? correct + 0.5 * partial : correct;
  const precision = ratio(credit, actual);
  const recall = ratio(credit, possible);
  return {
    correct,
    incorrect,
    partial,
    missed,
    spurious,
    possible,
    actual,
    precision,
    recall,
    f1: harmonicMean(precision, recall),
  };
}

function schemasOf(counts: ArrayLike<number>, base: number): NervaluateSchemas {
  return {
    strict: schemaScore(counts, base, STRICT),
    exact: schemaScore(counts, base, EXACT),
    partial: schemaScore(counts, base, PARTIAL),
    ent_type: schemaScore(counts, base, ENT_TYPE),
  };
}

/** Precision/recall/F1 of summed counts (micro over sentences, as nervaluate's Evaluator does). */
export function nervaluateFromCounts(counts: ArrayLike<number>, offset = 0): NervaluateResult {
  const perLabel = {} as Record<Label, NervaluateSchemas>;
  LABELS.forEach((label, i) => {
    perLabel[label] = schemasOf(counts, offset + (1 + i) * SCHEMA_COUNT * OUTCOME_COUNT);
  });
  return { overall: schemasOf(counts, offset), per_label: perLabel };
}

/** F1 of one schema in one scope, straight from summed counts (the bootstrap's inner loop). */
export function nervaluateF1(
  counts: ArrayLike<number>,
  offset: number,
  scope: 'overall' | Label,
  schema: NervaluateSchema,
): number {
  return nervaluateF1At(
    counts,
    offset + nervaluateStatIndex(scope, schema, 'correct'),
    schema === 'partial' || schema === 'ent_type',
  );
}

/**
 * The same F1 with the position of its `correct` count resolved in advance; `halfCredit` for the
 * partial and ent_type schemas.
 */
export function nervaluateF1At(counts: ArrayLike<number>, base: number, halfCredit: boolean): number {
  const correct = counts[base + CORRECT];
  const partial = counts[base + PARTIAL_MATCH];
  const common = correct + counts[base + INCORRECT] + partial;
  const credit = halfCredit ? correct + 0.5 * partial : correct;
  return harmonicMeanOf(
    ratioOf(credit, common + counts[base + SPURIOUS]),
    ratioOf(credit, common + counts[base + MISSED]),
  );
}

/** Scores whole corpora: gold[i] and pred[i] are the spans of sentence i. */
export function nervaluate(gold: readonly Span[][], pred: readonly Span[][]): NervaluateResult {
  const counts = new Float64Array(NERVALUATE_STAT_COUNT);
  const golds = nervaluateGold(gold.map((spans) => ({ spans })));
  const preds = spanTable(gold.map((_, i) => ({ spans: pred[i] ?? [] })));
  for (let i = 0; i < gold.length; i++) countNervaluatePrepared(golds, i, preds, i, counts, 0);
  return nervaluateFromCounts(counts);
}
