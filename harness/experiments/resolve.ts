/** An experiment as a profile sees it: params merged, seeds / sweep replaced, limits merged. */
import { deepMerge, type Params } from './params.ts';
import { type DatasetLimit, DEFAULT_SEEDS, type Experiment, type Resources, type Sweep } from './schema.ts';

export interface ResolvedExperiment {
  /** the profile applied; undefined without one or when the experiment does not define it */
  profile?: string;
  /** experiment params with the profile's deep-merged over them (method defaults not yet applied) */
  params: Params;
  seeds: number[];
  sweep?: Sweep;
  /** the YAML path of the sweep in force (for locating problems) */
  sweepAt: readonly string[];
  limit: DatasetLimit;
  /** the experiment's resources with the profile's merged over them */
  resources: Resources;
}

export function resolveProfile(config: Experiment, profileName?: string): ResolvedExperiment {
  const profile = profileName === undefined ? undefined : config.profiles?.[profileName];
  const base = config.params ?? {};
  const profileSweep = profile?.sweep !== undefined;
  return {
    profile: profile ? profileName : undefined,
    params: profile?.params ? deepMerge(base, profile.params) : base,
    seeds: profile?.seeds ?? config.seeds ?? DEFAULT_SEEDS,
    sweep: profileSweep ? profile.sweep : config.sweep,
    sweepAt: profileSweep ? ['profiles', profileName as string, 'sweep'] : ['sweep'],
    limit: { ...config.dataset?.limit, ...profile?.dataset?.limit },
    resources: { ...config.resources, ...profile?.resources },
  };
}

export function profileNames(config: Experiment): string[] {
  return Object.keys(config.profiles ?? {});
}
