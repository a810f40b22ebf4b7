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

/** nervaluate's own span form: inclusive end. */
interface InclusiveSpan {
  label: Label;
  start: number;
  end: number;
}

function toInclusive(span: Span): InclusiveSpan {
  return { label: span.label, start: span.start, end: span.end - 1 };
}

function sameSpan(a: InclusiveSpan, b: InclusiveSpan): boolean {
  return a.start === b.start && a.end === b.end && a.label === b.label;
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
  if (gold.length === 0 && pred.length === 0) return;
  // Array.prototype.sort is stable, like Python's list.sort.
  const golds = gold.map(toInclusive).sort((a, b) => a.start - b.start);
  const preds = pred.map(toInclusive).sort((a, b) => a.end - b.end);
  // nervaluate marks golds by value (`true in true_which_overlapped_with_pred`), so equal golds
  // share one mark: canonical[i] is the first gold equal to gold i.
  const canonical = golds.map((g, i) => {
    for (let j = 0; j < i; j++) if (sameSpan(golds[j], g)) return j;
    return i;
  });
  const marked = new Array<boolean>(golds.length).fill(false);

  const add = (label: Label, schema: number, outcome: number) => {
    const labelScope = 1 + LABELS.indexOf(label);
    out[offset + schema * OUTCOME_COUNT + outcome] += 1;
    out[offset + (labelScope * SCHEMA_COUNT + schema) * OUTCOME_COUNT + outcome] += 1;
  };
  const addAll = (label: Label, outcome: number) => {
    for (let schema = 0; schema < SCHEMA_COUNT; schema++) add(label, schema, outcome);
  };

  for (const p of preds) {
    // Scenario I: an exact match counts as correct, whether or not that gold was matched before.
    const exact = golds.findIndex((g) => sameSpan(g, p));
    if (exact >= 0) {
      marked[canonical[exact]] = true;
      addAll(p.label, CORRECT);
      continue;
    }
    let found = false;
    for (let i = 0; i < golds.length; i++) {
      const g = golds[i];
      if (p.end < g.start) break;
      // Scenario IV: same boundaries, other label; charged to the gold's label, stops the scan.
      if (g.start === p.start && g.end === p.end && g.label !== p.label) {
        add(g.label, STRICT, INCORRECT);
        add(g.label, ENT_TYPE, INCORRECT);
        add(g.label, PARTIAL, CORRECT);
        add(g.label, EXACT, CORRECT);
        marked[canonical[i]] = true;
        found = true;
        break;
      }
      // Scenarios V and VI: inclusive ranges overlap and this gold is not marked yet; the scan
      // goes on, so one prediction can count against several golds.
      const overlaps = p.start <= g.end && g.start <= p.end;
      if (overlaps && !marked[canonical[i]]) {
        marked[canonical[i]] = true;
        add(g.label, STRICT, INCORRECT);
        add(g.label, ENT_TYPE, g.label === p.label ? CORRECT : INCORRECT);
        add(g.label, PARTIAL, PARTIAL_MATCH);
        add(g.label, EXACT, INCORRECT);
        found = true;
      }
    }
    // Scenario II: nothing matched, spurious, charged to the prediction's label.
    if (!found) addAll(p.label, SPURIOUS);
  }
  // Scenario III: every gold never marked is missed.
  for (let i = 0; i < golds.length; i++) {
    if (!marked[canonical[i]]) addAll(golds[i].label, MISSED);
  }
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
  const base = offset + nervaluateStatIndex(scope, schema, 'correct');
  const correct = counts[base + CORRECT];
  const partial = counts[base + PARTIAL_MATCH];
  const common = correct + counts[base + INCORRECT] + partial;
  const credit = schema === 'partial' || schema === 'ent_type' ? correct + 0.5 * partial : correct;
  return harmonicMean(
    ratio(credit, common + counts[base + SPURIOUS]),
    ratio(credit, common + counts[base + MISSED]),
  );
}

/** Scores whole corpora: gold[i] and pred[i] are the spans of sentence i. */
export function nervaluate(gold: readonly Span[][], pred: readonly Span[][]): NervaluateResult {
  const counts = new Float64Array(NERVALUATE_STAT_COUNT);
  for (let i = 0; i < gold.length; i++) countNervaluateSentence(gold[i], pred[i] ?? [], counts);
  return nervaluateFromCounts(counts);
}
