/** What `skillbench validate` prints when the files are fine: experiments, methods, runs per profile. */
import { formatTable } from '../util/table.ts';
import type { LoadedExperiment } from './load.ts';
import { definedProfiles, type Plan, planRuns } from './plan.ts';

export interface ProfilePlan {
  /** undefined: no profile */
  profile?: string;
  plan: Plan;
  /** how many experiments define the profile */
  defining: number;
}

/** The plan for no profile and for each defined profile (or only the one asked for). */
export function planEveryProfile(experiments: readonly LoadedExperiment[], only?: string): ProfilePlan[] {
  const profiles = only === undefined ? [undefined, ...definedProfiles(experiments)] : [only];
  return profiles.map((profile) => ({
    profile,
    plan: planRuns(experiments, { profile }),
    defining: experiments.filter(
      (experiment) => profile !== undefined && experiment.config.profiles?.[profile],
    ).length,
  }));
}

export function formatSummary(
  files: readonly string[],
  experiments: readonly LoadedExperiment[],
  plans: readonly ProfilePlan[],
): string {
  const byMethod = new Map<string, number>();
  for (const { method } of experiments)
    if (method) byMethod.set(method.name, (byMethod.get(method.name) ?? 0) + 1);
  const methods = [...byMethod.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([method, count]) => `${method} ${count}`)
    .join(', ');
  const published = experiments.filter((experiment) => !experiment.method).length;
  const lines = [
    `ok: ${plural(files.length, 'file')}, ${plural(experiments.length, 'experiment')}, ${plural(byMethod.size, 'method')}${methods ? ` (${methods})` : ''}${published ? `, ${plural(published, 'published row')}` : ''}`,
    '',
    formatTable(
      ['profile', 'defined by', 'runs'],
      plans.map(({ profile, plan, defining }) => [
        profile ?? '(none)',
        profile === undefined ? '' : `${defining} of ${experiments.length}`,
        plan.runs.length,
      ]),
    ),
  ];
  if (published > 0) {
    lines.push(
      '',
      `runs: what each profile would run; ${published === 1 ? 'the published row is' : `the ${published} published rows are`} recorded, never run`,
    );
  }
  const notes = [
    ...new Set(plans.flatMap(({ plan }) => plan.notes.filter((note) => !/define profile/.test(note)))),
  ];
  if (notes.length > 0) lines.push('', ...notes.map((note) => `note: ${note}`));
  return `${lines.join('\n')}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
