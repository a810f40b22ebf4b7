/**
 * The headline F1 values, named by their path in the `protocols` JSON (e.g.
 * `nervaluate.overall.strict.f1`), each computable straight from summed sentence statistics.
 * Bootstrap intervals and paired tests are defined for exactly these. Each metric also names the
 * statistics columns it reads, so a test on one metric can resample just those columns.
 */
import { LABELS, type Label } from '../data/types.ts';
import { NEREVAL_STAT_COUNT, nerevalF1 } from './nereval.ts';
import { nervaluateF1At, nervaluateStatIndex } from './nervaluate.ts';
import { type ProtocolName, STAT_OFFSETS } from './sentence-stats.ts';
import { SET_STAT_COUNT, setF1 } from './set-f1.ts';
import { NERVALUATE_OUTCOMES, NERVALUATE_SCHEMAS } from './types.ts';

export interface F1Metric {
  /** the protocol whose statistics it reads */
  protocol: ProtocolName;
  compute(totals: ArrayLike<number>): number;
  /** the statistics columns `compute` reads */
  columns: readonly number[];
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** nereval and set keep 3 numbers per label, labels in LABELS order. */
const labelColumns = (offset: number, label: Label) => range(offset + LABELS.indexOf(label) * 3, 3);

function buildRegistry(): Map<string, F1Metric> {
  const registry = new Map<string, F1Metric>();
  const nv = STAT_OFFSETS.nervaluate;
  for (const scope of ['overall', ...LABELS] as const) {
    for (const schema of NERVALUATE_SCHEMAS) {
      const name =
        scope === 'overall'
          ? `nervaluate.overall.${schema}.f1`
          : `nervaluate.per_label.${scope}.${schema}.f1`;
      // the position of its counts and its credit rule, resolved once (the bootstrap calls it per resample)
      const base = nv + nervaluateStatIndex(scope, schema, 'correct');
      const halfCredit = schema === 'partial' || schema === 'ent_type';
      const f1At = nervaluateF1At;
      registry.set(name, {
        protocol: 'nervaluate',
        compute: (t) => f1At(t, base, halfCredit),
        columns: range(base, NERVALUATE_OUTCOMES.length),
      });
    }
  }
  const ne = STAT_OFFSETS.nereval;
  registry.set('nereval.strict_combined.f1', {
    protocol: 'nereval',
    compute: (t) => nerevalF1(t, ne, 'combined'),
    columns: range(ne, NEREVAL_STAT_COUNT),
  });
  registry.set('nereval.skill_outer.f1', {
    protocol: 'nereval',
    compute: (t) => nerevalF1(t, ne, 'SKILL'),
    columns: labelColumns(ne, 'SKILL'),
  });
  registry.set('nereval.knowledge_inner.f1', {
    protocol: 'nereval',
    compute: (t) => nerevalF1(t, ne, 'KNOWLEDGE'),
    columns: labelColumns(ne, 'KNOWLEDGE'),
  });
  const st = STAT_OFFSETS.set;
  registry.set('set.overall.f1', {
    protocol: 'set',
    compute: (t) => setF1(t, st, 'overall'),
    columns: range(st, SET_STAT_COUNT),
  });
  for (const label of LABELS) {
    registry.set(`set.per_label.${label}.f1`, {
      protocol: 'set',
      compute: (t) => setF1(t, st, label),
      columns: labelColumns(st, label),
    });
  }
  registry.set('set.macro_f1', {
    protocol: 'set',
    compute: (t) => setF1(t, st, 'macro'),
    columns: range(st, SET_STAT_COUNT),
  });
  return registry;
}

const REGISTRY = buildRegistry();

/** Every headline F1 name, in a stable order (nervaluate, nereval, set). */
export const F1_METRIC_NAMES: readonly string[] = [...REGISTRY.keys()];

/** The headline metric of each protocol (Skill-LLM Table 2 uses the first). */
export const PRIMARY_F1_METRICS = [
  'nervaluate.overall.strict.f1',
  'nereval.strict_combined.f1',
  'set.overall.f1',
];

export function f1Metric(name: string): F1Metric {
  const metric = REGISTRY.get(name);
  if (!metric) throw new Error(`unknown F1 metric "${name}" (known: ${F1_METRIC_NAMES.join(', ')})`);
  return metric;
}

export function isF1Metric(name: string): boolean {
  return REGISTRY.has(name);
}

/** Throws when `stats` were computed without the protocol a metric reads (SentenceStatsOptions). */
export function checkMetricColumns(
  stats: { protocols?: readonly ProtocolName[] },
  names: readonly string[],
): void {
  if (!stats.protocols) return;
  for (const name of names) {
    const { protocol } = f1Metric(name);
    if (!stats.protocols.includes(protocol)) {
      throw new Error(`${name} reads ${protocol} statistics, which these statistics do not hold`);
    }
  }
}
