/**
 * The result shapes of the three scoring protocols (fixtures/eval-vectors/PROTOCOLS.md). Every
 * precision, recall and F1 is a fraction in [0, 1], unrounded; nereval's perl script prints
 * percentages, which harness/eval/nereval.ts can reproduce for display.
 */
import type { Label } from '../data/types.ts';

export const NERVALUATE_SCHEMAS = ['strict', 'exact', 'partial', 'ent_type'] as const;
export type NervaluateSchema = (typeof NERVALUATE_SCHEMAS)[number];

export const NERVALUATE_OUTCOMES = ['correct', 'incorrect', 'partial', 'missed', 'spurious'] as const;
export type NervaluateOutcome = (typeof NERVALUATE_OUTCOMES)[number];

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

export interface NervaluateScore extends PrecisionRecallF1 {
  correct: number;
  incorrect: number;
  partial: number;
  missed: number;
  spurious: number;
  possible: number;
  actual: number;
}

export type NervaluateSchemas = Record<NervaluateSchema, NervaluateScore>;

export interface NervaluateResult {
  overall: NervaluateSchemas;
  per_label: Record<Label, NervaluateSchemas>;
}

export interface CountScore extends PrecisionRecallF1 {
  tp: number;
  fp: number;
  fn: number;
}

export interface NerevalResult {
  /** "1. Strict, Combined Evaluation (official)": both levels' counts summed */
  strict_combined: CountScore;
  /** "3.1 Per-Level Evaluation (outer chunks)": the SKILL column */
  skill_outer: CountScore;
  /** "3.2 Per-Level Global Evaluation (inner chunks)": the KNOWLEDGE column */
  knowledge_inner: CountScore;
}

export interface SetResult {
  overall: CountScore;
  per_label: Record<Label, CountScore>;
  /** mean of the SKILL and KNOWLEDGE F1 */
  macro_f1: number;
}

export interface ProtocolResults {
  nervaluate: NervaluateResult;
  nereval: NerevalResult;
  set: SetResult;
}
