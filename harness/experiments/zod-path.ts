/**
 * Looking inside a zod schema by key path: which keys a map accepts (for "did you mean"), and
 * whether a sweep path names a param the method knows.
 */
import type { z } from 'zod';
import type { KeyPath } from './problems.ts';

type Def = { type: string } & Record<string, unknown>;

function def(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** The schemas a value may be checked against, wrappers (optional, default, pipe, ...) removed. */
function alternatives(schema: unknown, depth = 0): Def[] {
  const d = def(schema);
  if (!d || depth > 20) return [];
  if (WRAPPERS.has(d.type)) return alternatives(d.innerType, depth + 1);
  if (d.type === 'pipe') return alternatives(d.in, depth + 1);
  if (d.type === 'lazy') return alternatives((d.getter as () => unknown)(), depth + 1);
  if (d.type === 'union')
    return (d.options as unknown[]).flatMap((option) => alternatives(option, depth + 1));
  if (d.type === 'intersection')
    return [...alternatives(d.left, depth + 1), ...alternatives(d.right, depth + 1)];
  return [d];
}

export type Child =
  /** the segment is known: here is its schema */
  | { kind: 'known'; schemas: unknown[] }
  /** anything goes below (unknown, any, a record, an object with a catchall) */
  | { kind: 'open' }
  /** the segment is not a key of this map; these are */
  | { kind: 'missing'; keys: string[] };

function child(schemas: unknown[], segment: string | number): Child {
  const known: unknown[] = [];
  const keys: string[] = [];
  let open = false;
  let closed = false;
  for (const d of schemas.flatMap((schema) => alternatives(schema))) {
    if (d.type === 'object') {
      const shape = d.shape as Record<string, unknown>;
      if (Object.hasOwn(shape, String(segment))) known.push(shape[String(segment)]);
      else if (d.catchall && def(d.catchall)?.type !== 'never') open = true;
      else {
        closed = true;
        keys.push(...Object.keys(shape));
      }
    } else if (d.type === 'record') {
      known.push(d.valueType);
    } else if (d.type === 'array' && typeof segment === 'number') {
      known.push(d.element);
    } else if (d.type === 'any' || d.type === 'unknown' || d.type === 'custom') {
      open = true;
    } else {
      closed = true; // a scalar (or a list under a name): nothing below it
    }
  }
  if (known.length > 0) return { kind: 'known', schemas: known };
  if (open || !closed) return { kind: 'open' };
  return { kind: 'missing', keys: [...new Set(keys)] };
}

export type PathCheck = { ok: true } | { ok: false; depth: number; keys: string[] };

/** Whether a key path exists in a schema; if not, where it leaves it and which keys exist there. */
export function checkPath(schema: z.ZodType, path: KeyPath): PathCheck {
  let schemas: unknown[] = [schema];
  for (let depth = 0; depth < path.length; depth++) {
    const next = child(schemas, path[depth]);
    if (next.kind === 'open') return { ok: true };
    if (next.kind === 'missing') return { ok: false, depth, keys: next.keys };
    schemas = next.schemas;
  }
  return { ok: true };
}

/** The keys a map at `path` accepts (for suggestions); empty when unknown or open. */
export function keysAt(schema: z.ZodType, path: KeyPath): string[] {
  let schemas: unknown[] = [schema];
  for (const segment of path) {
    const next = child(schemas, segment);
    if (next.kind !== 'known') return [];
    schemas = next.schemas;
  }
  return [
    ...new Set(
      schemas
        .flatMap((schema) => alternatives(schema))
        .flatMap((d) => (d.type === 'object' ? Object.keys(d.shape as object) : [])),
    ),
  ];
}
