/**
 * The checks that need the method: params through the method's own schema (for the experiment
 * and for each profile, at every sweep point), sweep paths, and dataset references. Problems in
 * params are located at the key that set the offending value: the base params, the profile that
 * overrode it, or the sweep value.
 */
import { resolve } from 'node:path';
import type { Document } from 'yaml';
import { resolveDataset } from '../data/datasets.ts';
import type { AnyMethod } from '../methods/method.ts';
import { describeError, InputError } from '../util/errors.ts';
import { issueMessage, unknownKeyMessage } from './issues.ts';
import { applySweepPoint, overlappingSweepKeys, type SweepPoint, sweepPath, sweepPoints } from './params.ts';
import type { KeyPath, Problem } from './problems.ts';
import { profileNames, type ResolvedExperiment, resolveProfile } from './resolve.ts';
import type { Experiment, Sweep } from './schema.ts';
import { closest } from './suggest.ts';
import { hasPath, locate, scalarSource, type YamlSource } from './yaml-source.ts';
import { checkPath, keysAt } from './zod-path.ts';

export interface CheckContext {
  source: YamlSource;
  document: Document.Parsed;
  config: Experiment;
  /** undefined for a published row (only a `published` block) */
  method?: AnyMethod;
  /** the experiment file's folder: dataset paths are relative to it */
  dir: string;
}

export function checkExperiment(context: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const report = (
    at: KeyPath,
    message: string,
    options: { mode?: 'key' | 'value'; shown?: KeyPath } = {},
  ) => {
    const position = locate(context.source, context.document, at, options.mode);
    problems.push({
      severity: 'error',
      file: context.source.file,
      ...position,
      path: options.shown ?? at,
      message,
    });
  };
  const { config, method } = context;
  if (!method) {
    // a published row: numbers from a paper, never run
    for (const key of RUN_FIELDS) {
      if (config[key] !== undefined)
        report([key], `a published row (no \`method\`) is never run: \`${key}\` has no meaning`, {
          mode: 'key',
        });
    }
    checkPublished(context, problems);
    return problems;
  }
  const withMethod = { ...context, method };
  for (const profile of [undefined, ...profileNames(config)]) {
    const resolved = resolveProfile(config, profile);
    // params are still checked over the sweep paths that are fine
    resolved.sweep = checkSweepPaths(withMethod, resolved, report);
    for (const point of sweepPoints(resolved.sweep)) checkParams(withMethod, resolved, point, report);
  }
  checkDatasets(context, report);
  checkPublished(context, problems);
  return problems;
}

/** Fields that only mean something for an experiment that runs. */
const RUN_FIELDS = ['params', 'dataset', 'seeds', 'sweep', 'profiles'] as const;

type MethodCheckContext = CheckContext & { method: AnyMethod };

type Report = (at: KeyPath, message: string, options?: { mode?: 'key' | 'value'; shown?: KeyPath }) => void;

/** Reports sweep paths the method does not know (and overlapping ones); returns the sweep without them. */
function checkSweepPaths(
  context: MethodCheckContext,
  resolved: ResolvedExperiment,
  report: Report,
): Sweep | undefined {
  if (!resolved.sweep) return undefined;
  const good: Sweep = {};
  for (const [key, values] of Object.entries(resolved.sweep)) {
    const path = sweepPath(key);
    if (path.some((segment) => segment === '')) {
      report([...resolved.sweepAt, key], `sweep path \`${key}\` has an empty segment`, { mode: 'key' });
      continue;
    }
    const check = checkPath(context.method.params, path);
    if (!check.ok) {
      const near = closest(path[check.depth], check.keys);
      const fixed = near && [...path.slice(0, check.depth), near, ...path.slice(check.depth + 1)].join('.');
      report(
        [...resolved.sweepAt, key],
        `sweep path \`${key}\` is not a param of method ${context.method.name}${fixed ? ` (did you mean \`${fixed}\`?)` : ''}`,
        { mode: 'key' },
      );
      continue;
    }
    good[key] = values;
  }
  for (const [outer, inner] of overlappingSweepKeys(Object.keys(good))) {
    report([...resolved.sweepAt, inner], `sweep paths \`${outer}\` and \`${inner}\` overlap`, {
      mode: 'key',
    });
    delete good[inner];
  }
  return good;
}

function checkParams(
  context: MethodCheckContext,
  resolved: ResolvedExperiment,
  point: SweepPoint,
  report: Report,
): void {
  const applied = applySweepPoint(resolved.params, point);
  if ('error' in applied) {
    report([...resolved.sweepAt, applied.key], `cannot set sweep path \`${applied.key}\`: ${applied.error}`, {
      mode: 'key',
    });
    return;
  }
  const result = context.method.params.safeParse(applied.params, { reportInput: true });
  if (result.success) return;
  for (const issue of result.error.issues) {
    const paramPath = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(context.method.params, paramPath);
      for (const key of issue.keys) {
        const where = paramLocation(context, resolved, point, [...paramPath, key]);
        report(where.at, unknownKeyMessage(key, known, 'param', `of method ${context.method.name}`), {
          mode: 'key',
          shown: where.shown,
        });
      }
      continue;
    }
    const where = paramLocation(context, resolved, point, paramPath);
    const source = scalarSource(context.document, where.at, context.source.text);
    report(where.at, issueMessage(issue, { source }), { shown: where.shown });
  }
}

/**
 * Which YAML key set the param at `paramPath` for this profile and sweep point: the sweep value,
 * else the profile's params, else the experiment's params. A missing param is reported at the
 * deepest existing parent (shown under the path where it should be added).
 */
function paramLocation(
  context: MethodCheckContext,
  resolved: ResolvedExperiment,
  point: SweepPoint,
  paramPath: KeyPath,
): { at: KeyPath; shown: KeyPath } {
  for (const [key, index] of Object.entries(point.indices)) {
    const path = sweepPath(key);
    if (path.length <= paramPath.length && path.every((segment, i) => segment === paramPath[i])) {
      const at = [...resolved.sweepAt, key, index, ...paramPath.slice(path.length)];
      return { at, shown: at };
    }
  }
  const layers: KeyPath[] = [['params']];
  if (resolved.profile) layers.unshift(['profiles', resolved.profile, 'params']);
  for (const layer of layers) {
    const at = [...layer, ...paramPath];
    if (hasPath(context.document, at)) return { at, shown: at };
  }
  // missing: the layer that gets deepest wins (the profile on a tie)
  let best: { at: KeyPath; depth: number } | undefined;
  for (const layer of layers) {
    if (!hasPath(context.document, layer)) continue;
    let depth = 0;
    while (
      depth < paramPath.length &&
      hasPath(context.document, [...layer, ...paramPath.slice(0, depth + 1)])
    )
      depth++;
    if (!best || depth > best.depth) best = { at: [...layer, ...paramPath], depth };
  }
  if (best) return { at: best.at, shown: best.at };
  return { at: ['method'], shown: ['params', ...paramPath] };
}

function checkDatasets(context: CheckContext, report: Report): void {
  for (const split of ['train', 'dev', 'test'] as const) {
    const ref = context.config.dataset?.[split];
    if (typeof ref !== 'string') continue;
    try {
      resolveDataset(ref, context.dir);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const message = ref.startsWith('skillspan:')
        ? describeError(error)
        : `no such dataset file: ${resolve(context.dir, ref)} (paths are relative to the experiment file's folder)`;
      report(['dataset', split], message);
    }
  }
}

function checkPublished(context: CheckContext, problems: Problem[]): void {
  const published = context.config.published;
  if (!published) return;
  const values = [published.skill_f1, published.knowledge_f1, published.total_f1].filter(
    (value): value is number => typeof value === 'number',
  );
  if (values.length > 0 && values.every((value) => value > 0 && value <= 1)) {
    problems.push({
      severity: 'warning',
      file: context.source.file,
      ...locate(context.source, context.document, ['published']),
      path: ['published'],
      message: 'the F1 values look like fractions; published numbers are percentages (54.2, not 0.542)',
    });
  }
}
