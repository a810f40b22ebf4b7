/**
 * Loaded experiments -> the runs to do (RunSpec[]): `--only` selection, the profile applied,
 * sweep x seeds expanded, params through the method's schema (defaults applied), datasets
 * resolved and hashed, and each run's content key.
 *
 * A published row (an experiment without a method, only a `published` block) gives no runs: it
 * is recorded with its experiment and shown by the report.
 */
import { dirname, resolve } from 'node:path';
import { readSubsetFile } from '../data/dataset-view.ts';
import { loadDataset } from '../data/datasets.ts';
import type { AnyMethod } from '../methods/method.ts';
import type { ExperimentInfo } from '../tracking/store.ts';
import type { DatasetBinding, RunSpec } from '../tracking/types.ts';
import { InputError } from '../util/errors.ts';
import { matchesPattern } from './glob.ts';
import type { LoadedExperiment } from './load.ts';
import { applySweepPoint, type Params, sweepPoints } from './params.ts';
import { profileNames, resolveProfile } from './resolve.ts';
import { type RunKeyInput, runKey } from './run-key.ts';
import type { DatasetLimit, ExecutorName, Published, Resources } from './schema.ts';
import { didYouMean } from './suggest.ts';

export interface PlanOptions {
  /** `--profile P`: applied to every experiment that defines P; the others run unchanged */
  profile?: string;
  /** `--only NAME...`: exact experiment names or globs (`table2-*`) */
  only?: readonly string[];
  /** `--seeds N`: the first N seeds of each experiment's resolved seed list */
  seeds?: number;
  /** `--limit N`: only the first N sentences of every split (a smaller profile limit stays) */
  limit?: number;
}

/**
 * A dataset split bound to a run: `ref` as written in the experiment file (a path in it is
 * relative to the file's folder), plus the absolute `path` it resolved to.
 */
export interface PlannedDatasetBinding extends DatasetBinding {
  path: string;
}

export interface PlannedRun extends RunSpec {
  dataset: { train?: PlannedDatasetBinding; dev?: PlannedDatasetBinding; test: PlannedDatasetBinding };
}

export interface PlannedExperiment {
  name: string;
  file: string;
  description?: string;
  /** undefined for a published row */
  method?: string;
  methodVersion?: string;
  published?: Published;
  tags: string[];
  /** the profile applied (undefined when none was asked for or the experiment lacks it) */
  profile?: string;
  /** the executor the file asks for (`--executor` overrides) */
  executor?: ExecutorName;
  /** what each run asks a cluster for (profile merged over experiment); not part of run keys */
  resources: Resources;
  runs: PlannedRun[];
}

/** What the store keeps of a planned experiment (the session and the Slurm tickets record the same). */
export function experimentInfo(experiment: PlannedExperiment): ExperimentInfo {
  const { name, description, method, file, published, tags } = experiment;
  return { name, description, method, file, published, tags };
}

export interface Plan {
  /** every run, experiment by experiment, sweep point by sweep point, seed by seed */
  runs: PlannedRun[];
  experiments: PlannedExperiment[];
  /** things the user should know (a profile an experiment lacks, runs shared by two experiments) */
  notes: string[];
}

/** One run before datasets are bound: what validate counts and plan keys. */
export interface Expansion {
  params: Params;
  sweepPoint: Record<string, unknown>;
  seed: number;
}

/** `--only`: every pattern must match something (a typo is an InputError with a suggestion). */
export function selectExperiments(
  experiments: readonly LoadedExperiment[],
  only: readonly string[] | undefined,
): LoadedExperiment[] {
  if (!only || only.length === 0) return [...experiments];
  const names = experiments.map((experiment) => experiment.name);
  const unmatched = only.filter((pattern) => !names.some((name) => matchesPattern(name, pattern)));
  if (unmatched.length > 0) {
    throw new InputError(
      unmatched
        .map((pattern) => `--only ${pattern}: no experiment of that name${didYouMean(pattern, names)}`)
        .join('\n'),
    );
  }
  return experiments.filter((experiment) => only.some((pattern) => matchesPattern(experiment.name, pattern)));
}

/** The seeds an experiment runs with under a profile (and `--seeds N`). */
function seedsFor(
  experiment: LoadedExperiment,
  profile: string | undefined,
  count: number | undefined,
): number[] {
  const seeds = resolveProfile(experiment.config, profile).seeds;
  return count === undefined ? seeds : seeds.slice(0, count);
}

/** The runs of one experiment (params validated by the method, defaults applied), without datasets. */
export function expandExperiment(
  experiment: LoadedExperiment,
  options: { profile?: string; seeds?: number } = {},
): Expansion[] {
  const { method } = experiment;
  if (!method) return []; // a published row never runs
  const resolved = resolveProfile(experiment.config, options.profile);
  const points = sweepPoints(resolved.sweep);
  const seeds = seedsFor(experiment, options.profile, options.seeds);
  return points.flatMap((point) => {
    const applied = applySweepPoint(resolved.params, point);
    if ('error' in applied) {
      throw new InputError(`experiment ${experiment.name}: sweep path ${applied.key}: ${applied.error}`);
    }
    const parsed = method.params.safeParse(applied.params);
    if (!parsed.success) {
      throw new InputError(
        `experiment ${experiment.name}: params do not fit method ${method.name} (run \`skillbench validate\` for located errors)`,
        experiment.file,
        experiment.line,
      );
    }
    return seeds.map((seed) => ({ params: parsed.data as Params, sweepPoint: point.values, seed }));
  });
}

/** Every profile name the experiments define, sorted. */
export function definedProfiles(experiments: readonly LoadedExperiment[]): string[] {
  return [...new Set(experiments.flatMap((experiment) => profileNames(experiment.config)))].sort();
}

/** `--profile P` must be defined by at least one experiment (else it is a typo). */
export function checkProfile(experiments: readonly LoadedExperiment[], profile: string | undefined): void {
  if (profile === undefined) return;
  const defined = definedProfiles(experiments);
  if (defined.includes(profile)) return;
  const list = defined.length === 0 ? 'no experiment defines any profile' : `defined: ${defined.join(', ')}`;
  throw new InputError(
    `--profile ${profile}: no experiment defines it${didYouMean(profile, defined) || ` (${list})`}`,
  );
}

/** `--seeds N`: every selected experiment (published rows aside) must have N seeds. */
function checkSeeds(experiments: readonly LoadedExperiment[], options: PlanOptions): void {
  if (options.seeds !== undefined) {
    if (!Number.isInteger(options.seeds) || options.seeds < 1) {
      throw new InputError(`--seeds ${options.seeds}: expected a whole number >= 1`);
    }
    const short = experiments
      .filter((experiment) => experiment.method !== undefined)
      .map((experiment) => ({ experiment, seeds: resolveProfile(experiment.config, options.profile).seeds }))
      .filter(({ seeds }) => seeds.length < (options.seeds as number));
    if (short.length > 0) {
      throw new InputError(
        short
          .map(
            ({ experiment, seeds }) =>
              `--seeds ${options.seeds}: experiment ${experiment.name} has only ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')})${options.profile ? ` under profile ${options.profile}` : ''}; add seeds to it (${experiment.file}:${experiment.line})`,
          )
          .join('\n'),
      );
    }
  }
}

const SPLITS = ['train', 'dev', 'test'] as const;
const DEFAULT_REFS = { train: 'skillspan:train', dev: 'skillspan:dev', test: 'skillspan:test' } as const;

/** train / dev / test: each defaults to the bundled split; null (train, dev) means none. */
function bindDatasets(experiment: LoadedExperiment, limit: DatasetLimit): PlannedRun['dataset'] {
  const bindings: Partial<PlannedRun['dataset']> = {};
  for (const split of SPLITS) {
    const given = experiment.config.dataset?.[split];
    if (given === null) continue;
    const ref = given ?? DEFAULT_REFS[split];
    const { dataset, hash } = loadDataset(ref, dirname(experiment.path));
    const subsetRef = split === 'train' ? undefined : experiment.config.dataset?.subset?.[split];
    const subsetPath = subsetRef === undefined ? undefined : resolve(dirname(experiment.path), subsetRef);
    const subset = subsetPath === undefined ? undefined : readSubsetFile(subsetPath, split);
    bindings[split] = {
      ref,
      hash,
      path: dataset.path,
      limit: limit[split],
      ...(subset
        ? { subset: { ref: subsetRef!, hash: subset.hash, path: subsetPath!, size: subset.ids.size } }
        : {}),
      ...(split !== 'train' && experiment.config.dataset?.labels
        ? { labels: experiment.config.dataset.labels }
        : {}),
    };
  }
  return bindings as PlannedRun['dataset'];
}

/** The subset and label filters of the dev and test bindings, for the run key. */
function viewsOf(dataset: PlannedRun['dataset']): RunKeyInput['views'] {
  const views: NonNullable<RunKeyInput['views']> = {};
  for (const split of ['dev', 'test'] as const) {
    const binding = dataset[split];
    if (binding?.subset || binding?.labels)
      views[split] = { subset: binding.subset?.hash, labels: binding.labels };
  }
  return views;
}

/** A profile's split limits, each cut to `cap` sentences (`--limit N`). */
function capLimit(limit: DatasetLimit, cap: number | undefined): DatasetLimit {
  if (cap === undefined) return limit;
  return Object.fromEntries(
    SPLITS.map((split) => [split, Math.min(limit[split] ?? cap, cap)]),
  ) as DatasetLimit;
}

export function planRuns(experiments: readonly LoadedExperiment[], options: PlanOptions = {}): Plan {
  checkProfile(experiments, options.profile);
  const selected = selectExperiments(experiments, options.only);
  checkSeeds(selected, options);
  const notes: string[] = [];
  const withoutProfile: string[] = [];
  const planned: PlannedExperiment[] = [];
  const firstByKey = new Map<string, string>();
  for (const experiment of selected) {
    const { config, method } = experiment;
    const resolved = resolveProfile(config, options.profile);
    // published rows never run, so a profile has nothing to change for them
    if (options.profile !== undefined && resolved.profile === undefined && method) {
      withoutProfile.push(experiment.name);
    }
    const runs: PlannedRun[] = method
      ? planExperimentRuns(experiment, method, capLimit(resolved.limit, options.limit))
      : [];
    planned.push({
      name: experiment.name,
      file: experiment.file,
      description: config.description,
      method: method?.name,
      methodVersion: method?.version,
      published: config.published,
      tags: config.tags ?? [],
      profile: resolved.profile,
      executor: config.executor,
      resources: resolved.resources,
      runs,
    });
  }
  if (withoutProfile.length > 0) {
    const [one, ...more] = withoutProfile;
    notes.unshift(
      more.length === 0
        ? `experiment ${one} does not define profile ${options.profile}: it runs unchanged`
        : `experiments ${withoutProfile.join(', ')} do not define profile ${options.profile}: they run unchanged`,
    );
  }
  return { runs: planned.flatMap((experiment) => experiment.runs), experiments: planned, notes };

  function planExperimentRuns(
    experiment: LoadedExperiment,
    method: AnyMethod,
    limit: DatasetLimit,
  ): PlannedRun[] {
    const { config } = experiment;
    const resolved = resolveProfile(config, options.profile);
    const dataset = bindDatasets(experiment, limit);
    return expandExperiment(experiment, options).map((expansion) => {
      const key = runKey({
        method: method.name,
        methodVersion: method.version,
        params: expansion.params,
        seed: expansion.seed,
        datasetHashes: { train: dataset.train?.hash, dev: dataset.dev?.hash, test: dataset.test.hash },
        limit,
        views: viewsOf(dataset),
        fingerprint: method.fingerprint?.(expansion.params, dirname(experiment.path)),
      });
      const other = firstByKey.get(key);
      if (other !== undefined && other !== experiment.name) {
        notes.push(
          `experiments ${other} and ${experiment.name} expand to the same run (key ${key.slice(0, 12)}: same method, params, seed and data)`,
        );
      }
      if (other === undefined) firstByKey.set(key, experiment.name);
      return {
        key,
        experiment: experiment.name,
        file: experiment.file,
        method: method.name,
        methodVersion: method.version,
        params: expansion.params,
        sweepPoint: expansion.sweepPoint,
        seed: expansion.seed,
        profile: resolved.profile,
        dataset,
        tags: config.tags ?? [],
      };
    });
  }
}
