/**
 * `skillbench score --format table`: the ScoreReport as aligned plain-text tables, percentages
 * with 2 decimals, protocol names spelled out, per label, per source, and CIs when computed.
 */
import { LABELS } from '../data/types.ts';
import { formatTable, percent } from '../util/table.ts';
import type { BootstrapResult } from './bootstrap.ts';
import { nerevalPrintedPercentages } from './nereval.ts';
import type { ScoreReport } from './score.ts';
import { type CountScore, NERVALUATE_SCHEMAS, type NervaluateScore, type ProtocolResults } from './types.ts';

function interval(ci: BootstrapResult | undefined, metric: string): string | undefined {
  const entry = ci?.f1[metric];
  return entry ? `[${percent(entry.lower)}, ${percent(entry.upper)}]` : undefined;
}

function withCi(header: string[], ci: BootstrapResult | undefined): string[] {
  return ci ? [...header, `${Math.round(ci.level * 100)}% CI (F1)`] : header;
}

function nervaluateSection(protocols: ProtocolResults, ci?: BootstrapResult): string {
  const rows: (string | number | undefined)[][] = [];
  const add = (scope: string, schema: string, score: NervaluateScore, metric: string) => {
    const row = [
      scope,
      schema,
      score.correct,
      score.incorrect,
      score.partial,
      score.missed,
      score.spurious,
      score.possible,
      score.actual,
      percent(score.precision),
      percent(score.recall),
      percent(score.f1),
    ];
    rows.push(ci ? [...row, interval(ci, metric)] : row);
  };
  for (const schema of NERVALUATE_SCHEMAS) {
    add('overall', schema, protocols.nervaluate.overall[schema], `nervaluate.overall.${schema}.f1`);
  }
  for (const label of LABELS) {
    for (const schema of NERVALUATE_SCHEMAS) {
      add(
        label,
        schema,
        protocols.nervaluate.per_label[label][schema],
        `nervaluate.per_label.${label}.${schema}.f1`,
      );
    }
  }
  const header = ['scope', 'schema', 'cor', 'inc', 'par', 'mis', 'spu', 'poss', 'act', 'P', 'R', 'F1'];
  return `nervaluate 0.2.0 (Skill-LLM protocol; Table 2 reports "strict")\n${formatTable(withCi(header, ci), rows)}`;
}

function countRow(name: string, score: CountScore, ci: BootstrapResult | undefined, metric: string) {
  const row = [
    name,
    score.tp,
    score.fp,
    score.fn,
    percent(score.precision),
    percent(score.recall),
    percent(score.f1),
  ];
  return ci ? [...row, interval(ci, metric)] : row;
}

/** nereval rows print their percentages exactly as the perl script does. */
function nerevalRow(name: string, score: CountScore, ci: BootstrapResult | undefined, metric: string) {
  const printed = nerevalPrintedPercentages(score);
  const row = [name, score.tp, score.fp, score.fn, printed.precision, printed.recall, printed.fb1];
  return ci ? [...row, interval(ci, metric)] : row;
}

function nerevalSection(protocols: ProtocolResults, ci?: BootstrapResult): string {
  const { nereval } = protocols;
  const rows = [
    nerevalRow('strict combined (official)', nereval.strict_combined, ci, 'nereval.strict_combined.f1'),
    nerevalRow('outer level: SKILL', nereval.skill_outer, ci, 'nereval.skill_outer.f1'),
    nerevalRow('inner level: KNOWLEDGE', nereval.knowledge_inner, ci, 'nereval.knowledge_inner.f1'),
  ];
  return `nereval.perl (SkillSpan official, GermEval 2014)\n${formatTable(withCi(['section', 'TP', 'FP', 'FN', 'P', 'R', 'F1'], ci), rows)}`;
}

function setSection(protocols: ProtocolResults, ci?: BootstrapResult): string {
  const { set } = protocols;
  const rows = [
    countRow('overall (micro)', set.overall, ci, 'set.overall.f1'),
    ...LABELS.map((label) => countRow(label, set.per_label[label], ci, `set.per_label.${label}.f1`)),
  ];
  const macroCi = interval(ci, 'set.macro_f1');
  const macro = `macro F1 (mean of the label F1s): ${percent(set.macro_f1)}${macroCi ? ` ${macroCi}` : ''}`;
  return `set F1 (exact match, duplicates collapse)\n${formatTable(withCi(['scope', 'TP', 'FP', 'FN', 'P', 'R', 'F1'], ci), rows)}\n${macro}`;
}

function bySourceSection(report: ScoreReport): string {
  const rows: (string | number)[][] = [];
  for (const [source, protocols] of Object.entries(report.by_source)) {
    rows.push([
      source,
      'overall',
      percent(protocols.nervaluate.overall.strict.f1),
      percent(protocols.nereval.strict_combined.f1),
      percent(protocols.set.overall.f1),
    ]);
    for (const label of LABELS) {
      const level = label === 'SKILL' ? protocols.nereval.skill_outer : protocols.nereval.knowledge_inner;
      rows.push([
        source,
        label,
        percent(protocols.nervaluate.per_label[label].strict.f1),
        percent(level.f1),
        percent(protocols.set.per_label[label].f1),
      ]);
    }
  }
  const header = ['source', 'scope', 'nervaluate strict F1', 'nereval F1', 'set F1'];
  return `By source (F1; nereval run over each source's sentences alone)\n${formatTable(header, rows)}`;
}

function countsSection(report: ScoreReport): string {
  const { counts } = report;
  const lines = [
    `sentences ${counts.sentences}`,
    `gold spans: ${LABELS.map((label) => `${label} ${counts.gold_spans[label]}`).join(', ')}`,
    `predicted spans: ${LABELS.map((label) => `${label} ${counts.pred_spans[label]}`).join(', ')}` +
      (counts.bio_predictions ? ` (${counts.bio_predictions} sentences predicted as BIO tags)` : ''),
    `nereval BIO encoding of span predictions: ${counts.nereval_encoding.dropped_overlapping_same_label} overlapping same-label spans dropped, ${counts.nereval_encoding.duplicates_collapsed} duplicates collapsed`,
  ];
  const issues = Object.entries(counts.prediction_issues);
  if (issues.length) lines.push(`prediction issues: ${issues.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  return `Counts\n${lines.join('\n')}`;
}

function ciNote(ci: BootstrapResult): string {
  return `Confidence intervals: ${ci.method}, ${ci.resamples} resamples of ${ci.units} ${ci.unit}s, seed ${ci.seed}.\n${ci.description}`;
}

export function formatScoreTable(report: ScoreReport): string {
  const sections = [
    nervaluateSection(report.protocols, report.ci),
    nerevalSection(report.protocols, report.ci),
    setSection(report.protocols, report.ci),
    bySourceSection(report),
    countsSection(report),
  ];
  if (report.ci) sections.push(ciNote(report.ci));
  return `${sections.join('\n\n')}\n`;
}
