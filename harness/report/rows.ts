/**
 * The leaderboard's rows from the store, before any re-scoring: one row per reproduced experiment
 * (its selected configuration, configurations.ts) with the published numbers it reproduces
 * (published.ts), and one row per published experiment no reproduced one claims. Rows of the
 * paper keep the order of published.yaml; rows without published numbers follow.
 */
import type { MethodDescription } from '../methods/method.ts';
import type { ExperimentRow, RunStore } from '../tracking/store.ts';
import type { RunRecord } from '../tracking/types.ts';
import {
  type Configuration,
  describeConfiguration,
  groupConfigurations,
  selectConfiguration,
} from './configurations.ts';
import type { ConfigurationRow, LeaderboardRow, OtherRun, ScopeNumbers } from './model-types.ts';
import { compareWithPaper } from './paper-comparison.ts';
import { type HeadlineProtocol, storeMetricName, TABLE_SCOPES, type TableScope } from './protocols.ts';
import { claimedPublished, isPublishedOnly, publishedNumbers, rowLabel } from './published.ts';
import { summarizeSeeds } from './seed-stats.ts';
import type { TestSet, TestSets } from './test-sets.ts';

export interface RowDraft {
  row: LeaderboardRow;
  order: number;
  configuration?: Configuration;
  testSet?: TestSet;
}

export interface RowsResult {
  drafts: RowDraft[];
  configurations: ConfigurationRow[];
  otherRuns: OtherRun[];
  warnings: string[];
}

/** Sort offset of rows without published numbers: after the paper's rows. */
const NOT_IN_PAPER = 1e9;

/** What the method said about the row when it ran (recorded on the run: the report loads no method). */
function describeMethod(run: RunRecord): MethodDescription | undefined {
  return run.environment?.description;
}

export function collectRows(
  store: RunStore,
  context: {
    wanted: (name: string) => boolean;
    protocol: HeadlineProtocol;
    testSets: TestSets;
    metricsOf: (runId: number) => Record<string, number>;
  },
): RowsResult {
  const { wanted, protocol, testSets, metricsOf } = context;
  const experiments = [...store.listExperiments()].sort((a, b) => a.id - b.id);
  const publishedByName = new Map(experiments.filter(isPublishedOnly).map((e) => [e.name, e]));
  const claimed = new Set<string>();
  const result: RowsResult = { drafts: [], configurations: [], otherRuns: [], warnings: [] };

  for (const experiment of experiments) {
    if (isPublishedOnly(experiment) || !wanted(experiment.name)) continue;
    const runs = store.listRuns({ experiment: experiment.name });
    for (const run of runs) {
      if (run.status === 'finished') continue;
      result.otherRuns.push({
        id: run.id,
        experiment: experiment.name,
        seed: run.seed,
        status: run.status,
        reason: run.skipReason ?? run.error?.message ?? (run.phase ? `stopped in ${run.phase}` : ''),
      });
    }
    const configurations = groupConfigurations(experiment.name, runs, metricsOf, protocol);
    const selection = selectConfiguration(configurations);
    let published = publishedNumbers(experiment);
    let order = published ? experiment.id : NOT_IN_PAPER + experiment.id;
    if (!published) {
      const paper = claimedPublished(experiment, publishedByName);
      if (paper) {
        claimed.add(paper.name);
        published = publishedNumbers(paper);
        if (published) order = paper.id;
      }
    }
    for (const configuration of configurations) {
      result.configurations.push(configurationRow(configuration, configuration === selection?.selected));
    }
    const row = baseRow(experiment, published);
    row.experiment = experiment.name;
    const draft: RowDraft = { row, order };
    if (selection) {
      addReproduced(draft, selection.selected, selection.reason, experiment, {
        protocol,
        testSets,
        metricsOf,
      });
    } else {
      const reasons = [...new Set(runs.map((run) => run.skipReason ?? run.error?.message).filter(Boolean))];
      row.notes.push(
        runs.length === 0
          ? 'not run yet'
          : `not reproduced: no finished run (${runs.map((run) => run.status).join(', ')})${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
      );
    }
    result.drafts.push(draft);
  }

  for (const experiment of publishedByName.values()) {
    if (claimed.has(experiment.name) || !wanted(experiment.name)) continue;
    const published = publishedNumbers(experiment);
    if (!published) {
      result.warnings.push(
        `experiment ${experiment.name} has method "published" but no valid published block`,
      );
      continue;
    }
    result.drafts.push({ order: experiment.id, row: baseRow(experiment, published) });
  }
  result.drafts.sort((a, b) => a.order - b.order || a.row.label.localeCompare(b.row.label));
  return result;
}

function baseRow(experiment: ExperimentRow, published: LeaderboardRow['published']): LeaderboardRow {
  return {
    id: `row-${experiment.name}`,
    label: rowLabel(experiment),
    description: experiment.description,
    parameters: published?.parameters,
    setup: published?.setup ?? experiment.description,
    published,
    inPaper: published !== undefined,
    comparisons: [],
    manifest: [],
    notes: [],
  };
}

function addReproduced(
  draft: RowDraft,
  configuration: Configuration,
  selection: string | undefined,
  experiment: ExperimentRow,
  context: {
    protocol: HeadlineProtocol;
    testSets: TestSets;
    metricsOf: (runId: number) => Record<string, number>;
  },
): void {
  const { row } = draft;
  const runs = configuration.runs;
  const metrics = runs.map((run) => context.metricsOf(run.id));
  const testSet = context.testSets.get(configuration.test, runs[0].spec.file);
  const described = describeMethod(runs[0]);
  const scopes = {} as Record<TableScope, ScopeNumbers | undefined>;
  for (const scope of TABLE_SCOPES) {
    scopes[scope] = summarizeSeeds(
      metrics.map((values) => values[storeMetricName('test', context.protocol, scope)]),
    );
  }
  row.reproduced = {
    protocol: context.protocol,
    seeds: runs.map((run) => run.seed),
    runIds: runs.map((run) => run.id),
    scopes,
    parameters: described?.parameters,
    setup: described?.setup ?? experiment.description,
    configuration: describeConfiguration(configuration),
    selection,
    testSet: testSet.info,
  };
  row.parameters ??= described?.parameters;
  if (row.published) row.comparisons = compareWithPaper(row.published, metrics);
  if (testSet.problem) row.notes.push(testSet.problem);
  draft.configuration = configuration;
  draft.testSet = testSet;
}

function configurationRow(configuration: Configuration, selected: boolean): ConfigurationRow {
  return {
    experiment: configuration.experiment,
    profile: configuration.profile,
    sweepPoint: describeConfiguration(configuration),
    testSet:
      configuration.test.ref +
      (configuration.test.limit === undefined ? '' : ` [:${configuration.test.limit}]`),
    seeds: configuration.runs.map((run) => run.seed),
    runIds: configuration.runs.map((run) => run.id),
    devTotal: configuration.devTotal,
    testTotal: configuration.testTotal,
    selected,
  };
}
