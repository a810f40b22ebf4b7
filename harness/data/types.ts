/**
 * The vocabulary of the harness (docs/DESIGN.md "Core types").
 * Spans are token indices with an EXCLUSIVE end everywhere inside the code; files that other
 * tools read or write (inclusive ends, BIO tags) are converted at the boundary, in harness/spans.
 */

export const LABELS = ['SKILL', 'KNOWLEDGE'] as const;
export type Label = (typeof LABELS)[number];

/** SkillSpan's two sources; user files may carry others. */
export type Source = string;

export interface Span {
  label: Label;
  /** first token, inclusive */
  start: number;
  /** one past the last token (exclusive) */
  end: number;
}

export interface Sentence {
  /** `<split>:<line index>`, e.g. `test:977`: unique within a dataset. */
  id: string;
  /** SkillSpan's `idx`: the job posting the sentence came from (restarts per split, not unique). */
  docId: number;
  tokens: string[];
  source: Source;
  /** gold spans (empty for unlabelled input) */
  spans: Span[];
}

export type BioTag = 'B' | 'I' | 'O';

/** One BIO column per label: SKILL is SkillSpan's outer layer, KNOWLEDGE the inner one. */
export type BioLayers = Record<Label, BioTag[]>;

export const PREDICTION_ISSUE_KINDS = [
  'unparsable',
  'repaired',
  'unaligned-span',
  'invalid-bio',
  'retried',
  'truncated',
] as const;
export type PredictionIssueKind = (typeof PREDICTION_ISSUE_KINDS)[number];

export interface PredictionIssue {
  kind: PredictionIssueKind;
  detail?: string;
}

export interface Prediction {
  /** the Sentence id this prediction is for */
  id: string;
  /** in the order the method produced them (nervaluate's result depends on it) */
  spans: Span[];
  /**
   * The BIO tags when the method (or file) produced tags rather than spans. nereval scores the
   * tags as written (a sentence-initial I continues the previous sentence's chunk), so they are kept.
   */
  bio?: BioLayers;
  /** raw model text for generative methods */
  raw?: string;
  issues?: PredictionIssue[];
}

export function isLabel(value: unknown): value is Label {
  return value === 'SKILL' || value === 'KNOWLEDGE';
}
