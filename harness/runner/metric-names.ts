/**
 * Store metric names: `<split>.<protocol>.<scope>.<metric>`, e.g. `test.nervaluate.overall.f1`
 * (nervaluate strict), `test.nereval.overall.f1` (strict combined), `test.set.SKILL.f1`,
 * `dev.set.tech.precision`. Scope is `overall`, a label (SKILL, KNOWLEDGE) or a source (house, tech).
 * nervaluate's other schemas are protocols of their own: `nervaluate-exact`, `nervaluate-partial`,
 * `nervaluate-ent_type`. The set protocol's macro F1 is `<split>.set.overall.macro_f1`.
 * These names are an interface (reports, MLflow, users' scripts): change them only with care.
 */

export const PROTOCOL_NAMES = [
  'nervaluate',
  'nervaluate-exact',
  'nervaluate-partial',
  'nervaluate-ent_type',
  'nereval',
  'set',
] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** The JSON shape `skillbench score --format json` prints under "protocols" (fractions in [0,1]). */
export interface ProtocolsJson {
  nervaluate: {
    overall: Record<string, Record<string, number>>;
    per_label: Record<string, Record<string, Record<string, number>>>;
  };
  nereval: {
    strict_combined: Record<string, number>;
    skill_outer: Record<string, number>;
    knowledge_inner: Record<string, number>;
  };
  set: {
    overall: Record<string, number>;
    per_label: Record<string, Record<string, number>>;
    macro_f1: number;
  };
}

export interface ScoreJson {
  protocols: ProtocolsJson;
  by_source: Record<string, ProtocolsJson>;
}

/** Flattens one split's score into metric names without the split prefix (`nervaluate.overall.f1`). */
export function flattenScore(score: ScoreJson): Record<string, number> {
  const metrics: Record<string, number> = {};
  addProtocols(metrics, score.protocols, true);
  for (const [source, protocols] of Object.entries(score.by_source))
    addProtocols(metrics, protocols, false, source);
  return metrics;
}

function addProtocols(
  out: Record<string, number>,
  protocols: ProtocolsJson,
  withLabels: boolean,
  source?: string,
): void {
  const overallScope = source ?? 'overall';
  const put = (protocol: string, scope: string, values: Record<string, number>) => {
    for (const [metric, value] of Object.entries(values)) {
      if (typeof value === 'number') out[`${protocol}.${scope}.${metric}`] = value;
    }
  };
  for (const [schema, values] of Object.entries(protocols.nervaluate.overall)) {
    put(schema === 'strict' ? 'nervaluate' : `nervaluate-${schema}`, overallScope, values);
  }
  put('nereval', overallScope, protocols.nereval.strict_combined);
  put('set', overallScope, protocols.set.overall);
  out[`set.${overallScope}.macro_f1`] = protocols.set.macro_f1;
  if (!withLabels) return;
  for (const [label, schemas] of Object.entries(protocols.nervaluate.per_label)) {
    for (const [schema, values] of Object.entries(schemas)) {
      put(schema === 'strict' ? 'nervaluate' : `nervaluate-${schema}`, label, values);
    }
  }
  put('nereval', 'SKILL', protocols.nereval.skill_outer);
  put('nereval', 'KNOWLEDGE', protocols.nereval.knowledge_inner);
  for (const [label, values] of Object.entries(protocols.set.per_label)) put('set', label, values);
}

export function prefixMetrics(split: string, metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [`${split}.${name}`, value]));
}
