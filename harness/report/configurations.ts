/**
 * An experiment's runs grouped into configurations (everything but the seed equal: method, code
 * version, params, dataset bindings), and the one configuration its leaderboard row shows.
 *
 * Selection never looks at test scores: among the configurations scored on the largest test set,
 * the one with the best mean dev F1 (headline protocol) wins; without dev scores, the one with the
 * most seeds, then the most recently finished. Every configuration is listed in the report.
 */
import type { DatasetBinding, RunRecord } from '../tracking/types.ts';
import { canonicalJson } from '../util/hash.ts';
import type { SeedSummary } from './model-types.ts';
import type { HeadlineProtocol } from './protocols.ts';
import { storeMetricName } from './protocols.ts';
import { summarizeSeeds } from './seed-stats.ts';

export interface Configuration {
  key: string;
  experiment: string;
  profile?: string;
  sweepPoint: Record<string, unknown>;
  test: DatasetBinding;
  /** finished runs, in seed order (one per seed: the latest finished if a seed ran twice) */
  runs: RunRecord[];
  metrics: Map<number, Record<string, number>>;
  devTotal?: SeedSummary;
  testTotal?: SeedSummary;
  latestFinish: string;
}

export function testSetId(binding: DatasetBinding): string {
  return `${binding.ref}@${binding.hash.slice(0, 12)}${binding.limit === undefined ? '' : `[:${binding.limit}]`}`;
}

function configurationKey(run: RunRecord): string {
  const { spec } = run;
  return canonicalJson({
    method: spec.method,
    version: spec.methodVersion,
    params: spec.params,
    dataset: spec.dataset,
  });
}

/** Groups finished runs into configurations (with their summary metrics read once). */
export function groupConfigurations(
  experiment: string,
  runs: readonly RunRecord[],
  metricsOf: (runId: number) => Record<string, number>,
  protocol: HeadlineProtocol,
): Configuration[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    if (run.status !== 'finished') continue;
    const key = configurationKey(run);
    const list = groups.get(key) ?? [];
    list.push(run);
    groups.set(key, list);
  }
  const configurations: Configuration[] = [];
  for (const [key, list] of groups) {
    const bySeed = new Map<number, RunRecord>();
    for (const run of list) {
      const previous = bySeed.get(run.seed);
      if (!previous || (run.finishedAt ?? '') > (previous.finishedAt ?? '')) bySeed.set(run.seed, run);
    }
    const ordered = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
    const metrics = new Map(ordered.map((run) => [run.id, metricsOf(run.id)]));
    const total = (split: string) =>
      summarizeSeeds(
        ordered.map((run) => metrics.get(run.id)?.[storeMetricName(split, protocol, 'overall')]),
      );
    const first = ordered[0];
    configurations.push({
      key,
      experiment,
      profile: first.spec.profile,
      sweepPoint: first.spec.sweepPoint,
      test: first.spec.dataset.test,
      runs: ordered,
      metrics,
      devTotal: total('dev'),
      testTotal: total('test'),
      latestFinish:
        ordered
          .map((run) => run.finishedAt ?? '')
          .sort()
          .at(-1) ?? '',
    });
  }
  return configurations.sort((a, b) => a.latestFinish.localeCompare(b.latestFinish));
}

/** Size of a test binding for comparison: no limit means the whole file. */
function testSize(binding: DatasetBinding): number {
  return binding.limit ?? Number.POSITIVE_INFINITY;
}

export interface Selection {
  selected: Configuration;
  /** one sentence on how it was chosen, when there was a choice */
  reason?: string;
}

export function selectConfiguration(configurations: readonly Configuration[]): Selection | undefined {
  if (configurations.length === 0) return undefined;
  if (configurations.length === 1) return { selected: configurations[0] };
  const largest = Math.max(...configurations.map((c) => testSize(c.test)));
  const candidates = configurations.filter((c) => testSize(c.test) === largest);
  const withDev = candidates.every((c) => c.devTotal !== undefined);
  const ranked = [...candidates].sort((a, b) => {
    if (withDev) {
      const difference = (b.devTotal?.mean ?? 0) - (a.devTotal?.mean ?? 0);
      if (difference !== 0) return difference;
    }
    return b.runs.length - a.runs.length || b.latestFinish.localeCompare(a.latestFinish);
  });
  const selected = ranked[0];
  const dropped = configurations.length - candidates.length;
  const parts = [
    withDev
      ? `best mean dev F1 among ${candidates.length} configurations`
      : `no dev scores for every configuration: the one with the most seeds (then the latest) among ${candidates.length}`,
  ];
  if (dropped > 0)
    parts.push(`${dropped} configuration${dropped === 1 ? '' : 's'} on a smaller test set left out`);
  return { selected, reason: `selected on ${parts.join('; ')}; test scores were not used` };
}

export function describeConfiguration(configuration: Configuration): string {
  const point = Object.entries(configuration.sweepPoint)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
  const parts = [configuration.profile ? `profile ${configuration.profile}` : 'no profile'];
  if (point) parts.push(point);
  if (configuration.test.limit !== undefined) parts.push(`first ${configuration.test.limit} test sentences`);
  return parts.join('; ');
}
