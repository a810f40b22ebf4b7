/**
 * The whole HTML view: every section's view plus the header (settings, summary, warnings), the
 * reading guide and the explorer's data. Everything is text ready for the templates, which only
 * iterate and place it.
 */
import type { ReportModel } from '../model-types.ts';
import { PROTOCOL_DESCRIPTIONS, PROTOCOL_TITLES } from '../protocols.ts';
import { breakdownView } from './breakdown-view.ts';
import { costView } from './cost-view.ts';
import { curvesView } from './curves-view.ts';
import { errorsView, KIND_COLORS, KIND_TITLES } from './errors-view.ts';
import { leaderboardView } from './leaderboard-view.ts';
import { protocolView } from './protocol-view.ts';
import { runsView } from './runs-view.ts';

export function reportView(model: ReportModel) {
  const { settings } = model;
  const mainTestSet = model.testSets.find((set) => set.available) ?? model.testSets[0];
  const unitText = (unit: string | undefined) =>
    unit === 'document' ? 'documents (job postings)' : 'sentences';
  const reproduced = model.rows.filter((row) => row.reproduced);
  const runs = reproduced.reduce((sum, row) => sum + row.reproduced!.runIds.length, 0);
  const sections = [
    { id: 'leaderboard', title: 'Leaderboard' },
    { id: 'reading', title: 'How to read it' },
    { id: 'protocols', title: 'Protocols' },
    { id: 'breakdown', title: 'Labels and sources' },
    { id: 'errors', title: 'Error analysis' },
    ...(model.curves.length ? [{ id: 'curves', title: 'Learning curves' }] : []),
    { id: 'cost', title: 'Cost and speed' },
    ...(model.explorer ? [{ id: 'explorer', title: 'Sentence explorer' }] : []),
    { id: 'runs', title: 'Configurations and runs' },
    { id: 'manifests', title: 'Run manifests' },
  ];
  return {
    title: model.title,
    generatedAt: settings.generatedAt.replace('T', ' ').slice(0, 19),
    storePath: settings.storePath,
    filter: settings.experimentsFilter?.join(', '),
    summary: {
      reproducedRows: reproduced.length,
      publishedRows: model.rows.filter((row) => row.published).length,
      runs,
      testSet: mainTestSet
        ? `${mainTestSet.ref}${mainTestSet.limit ? ` (first ${mainTestSet.limit})` : ''}: ${mainTestSet.sentences} sentences, ${mainTestSet.documents} documents`
        : 'no test set loaded',
    },
    settings: [
      `headline protocol: ${PROTOCOL_TITLES[settings.protocol]}`,
      settings.bootstrap.resamples > 0
        ? `${Math.round(settings.bootstrap.level * 100)}% CI: percentile bootstrap, ${settings.bootstrap.resamples} resamples of ${unitText(mainTestSet?.unit)}, seed ${settings.bootstrap.seed}`
        : 'no bootstrap (--bootstrap 0)',
      settings.bootstrap.resamples > 0
        ? `tests: paired ${settings.significance.method === 'bootstrap' ? 'bootstrap' : 'approximate randomisation'} against the best row, seed-pooled, Holm-adjusted, α = ${settings.significance.alpha}`
        : 'no significance tests',
    ],
    warnings: model.warnings,
    sections,
    leaderboard: leaderboardView(model),
    reading: {
      protocols: ['nervaluate', 'nereval', 'set', 'seqeval-skills-only', 'other'].map((name) => ({
        name: PROTOCOL_TITLES[name],
        description: PROTOCOL_DESCRIPTIONS[name],
        headline: name === settings.protocol,
      })),
      unit: unitText(mainTestSet?.unit),
      units: mainTestSet
        ? mainTestSet.unit === 'document'
          ? mainTestSet.documents
          : mainTestSet.sentences
        : 0,
      resamples: settings.bootstrap.resamples,
      level: Math.round(settings.bootstrap.level * 100),
      alpha: settings.significance.alpha,
      method:
        settings.significance.method === 'bootstrap'
          ? 'paired bootstrap (two-sided, shifted)'
          : 'approximate randomisation (two-sided)',
    },
    protocols: protocolView(model),
    breakdown: breakdownView(model),
    errors: errorsView(model),
    curves: curvesView(model),
    cost: costView(model),
    runs: runsView(model),
    explorer: model.explorer
      ? {
          ...model.explorer,
          kinds: Object.entries(KIND_TITLES).map(([kind, title]) => ({
            kind,
            title,
            color: KIND_COLORS[kind],
          })),
        }
      : undefined,
  };
}

export type ReportView = ReturnType<typeof reportView>;
