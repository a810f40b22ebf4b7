/** Params before the method sees them: profile merging and sweep points. */
import type { Sweep } from './schema.ts';

export type Params = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps merge key by key at every depth; anything else (lists, scalars, null) in `over` replaces. */
export function deepMerge(base: Params, over: Params): Params {
  const merged: Params = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/** `optimizer.lr` -> ['optimizer', 'lr'] */
export function sweepPath(key: string): string[] {
  return key.split('.');
}

/**
 * Sets a dotted path in a copy of `params`, creating maps on the way. Returns an error message
 * when the path runs through a value that is not a map.
 */
export function setPath(params: Params, path: readonly string[], value: unknown): Params | string {
  const [head, ...rest] = path;
  if (rest.length === 0) return { ...params, [head]: value };
  const current = params[head];
  if (current !== undefined && current !== null && !isPlainObject(current)) {
    return `\`${head}\` is ${Array.isArray(current) ? 'a list' : JSON.stringify(current)}, not a map`;
  }
  const inner = setPath(isPlainObject(current) ? current : {}, rest, value);
  return typeof inner === 'string' ? inner : { ...params, [head]: inner };
}

export interface SweepPoint {
  /** sweep key -> value, in the sweep's key order */
  values: Record<string, unknown>;
  /** sweep key -> index of the value in its list (to locate problems) */
  indices: Record<string, number>;
}

/** The cartesian product of the sweep lists; the first key varies slowest. No sweep: one empty point. */
export function sweepPoints(sweep: Sweep | undefined): SweepPoint[] {
  let points: SweepPoint[] = [{ values: {}, indices: {} }];
  for (const [key, list] of Object.entries(sweep ?? {})) {
    points = points.flatMap((point) =>
      list.map((value, index) => ({
        values: { ...point.values, [key]: value },
        indices: { ...point.indices, [key]: index },
      })),
    );
  }
  return points;
}

/** Applies a sweep point to params; the error names the sweep key whose path runs through a non-map. */
export function applySweepPoint(
  params: Params,
  point: SweepPoint,
): { params: Params } | { key: string; error: string } {
  let result: Params = params;
  for (const [key, value] of Object.entries(point.values)) {
    const next = setPath(result, sweepPath(key), value);
    if (typeof next === 'string') return { key, error: next };
    result = next;
  }
  return { params: result };
}

/** Two sweep keys where one is a prefix of the other (`optimizer` and `optimizer.lr`). */
export function overlappingSweepKeys(keys: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const a of keys) {
    for (const b of keys) {
      if (a !== b && b.startsWith(`${a}.`)) pairs.push([a, b]);
    }
  }
  return pairs;
}
