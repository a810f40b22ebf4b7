/**
 * The protocols a report can show, and where each number lives: the store's summary metric
 * (`test.<protocol>.<scope>.f1`, harness/runner/metric-names.ts) and the headline F1 the eval
 * module resamples (`nervaluate.overall.strict.f1`, harness/eval/f1-metrics.ts).
 */
import type { Label } from '../data/types.ts';

/** Protocols the headline columns can use (those the harness computes for every run). */
export const HEADLINE_PROTOCOLS = ['nervaluate', 'nereval', 'set'] as const;
export type HeadlineProtocol = (typeof HEADLINE_PROTOCOLS)[number];

/** Table 2's three F1 columns, in its order. */
export const TABLE_SCOPES = ['SKILL', 'KNOWLEDGE', 'overall'] as const;
export type TableScope = (typeof TABLE_SCOPES)[number];

export const SCOPE_TITLES: Record<TableScope, string> = {
  SKILL: 'Skill span F1',
  KNOWLEDGE: 'Knowledge span F1',
  overall: 'Total span F1',
};

/** Every column of the protocol table: the three protocols plus nervaluate's other schemas. */
export const PROTOCOL_COLUMNS = [
  'nervaluate',
  'nereval',
  'set',
  'nervaluate-exact',
  'nervaluate-partial',
  'nervaluate-ent_type',
] as const;
export type ProtocolColumn = (typeof PROTOCOL_COLUMNS)[number];

export const PROTOCOL_TITLES: Record<string, string> = {
  nervaluate: 'nervaluate strict',
  'nervaluate-exact': 'nervaluate exact',
  'nervaluate-partial': 'nervaluate partial',
  'nervaluate-ent_type': 'nervaluate ent_type',
  nereval: 'nereval strict combined',
  set: 'set (exact match, micro)',
  'seqeval-skills-only': 'seqeval, skills only',
  other: 'other (see note)',
};

/** One line per protocol: what it counts. Shown in footnotes and docs. */
export const PROTOCOL_DESCRIPTIONS: Record<string, string> = {
  nervaluate:
    'nervaluate 0.2.0, "strict" schema (same boundaries and label), as Skill-LLM scored Table 2; keeps nervaluate\'s quirks (duplicate predictions count as correct each time).',
  'nervaluate-exact': 'nervaluate 0.2.0, "exact" schema: same boundaries, label ignored.',
  'nervaluate-partial':
    'nervaluate 0.2.0, "partial" schema: overlapping boundaries count half, label ignored.',
  'nervaluate-ent_type': 'nervaluate 0.2.0, "ent_type" schema: right label with any overlap.',
  nereval:
    'nereval.perl (GermEval 2014), "Strict, Combined": SkillSpan\'s official scorer, two BIO layers (outer SKILL, inner KNOWLEDGE) read over the whole file.',
  set: 'Plain exact-match span sets per sentence (duplicates collapse), micro-averaged over labels.',
  'seqeval-skills-only':
    'seqeval strict span F1 on skill-only gold (knowledge spans not scored), as Nguyen et al. (2024) scored the GPT rows; the harness does not compute it, so these rows are not comparable with any reproduced number.',
  other: 'Scored another way (see the row note); not comparable with the reproduced numbers.',
};

/** The store's summary metric for a protocol column and scope on a split. */
export function storeMetricName(
  split: string,
  protocol: string,
  scope: TableScope | string,
  metric = 'f1',
): string {
  return `${split}.${protocol}.${scope}.${metric}`;
}

/** The eval module's headline F1 name (bootstrap and paired tests) for a headline protocol and scope. */
export function evalMetricName(protocol: HeadlineProtocol, scope: TableScope): string {
  switch (protocol) {
    case 'nervaluate':
      return scope === 'overall' ? 'nervaluate.overall.strict.f1' : `nervaluate.per_label.${scope}.strict.f1`;
    case 'nereval':
      if (scope === 'overall') return 'nereval.strict_combined.f1';
      return scope === 'SKILL' ? 'nereval.skill_outer.f1' : 'nereval.knowledge_inner.f1';
    case 'set':
      return scope === 'overall' ? 'set.overall.f1' : `set.per_label.${scope as Label}.f1`;
  }
}

export function isHeadlineProtocol(value: string): value is HeadlineProtocol {
  return (HEADLINE_PROTOCOLS as readonly string[]).includes(value);
}
