import type { Method } from './method.ts';

/**
 * Methods by the name experiment files use. Each baseline registers itself in
 * baselines/index.ts; the registry itself knows none of them.
 */
const methods = new Map<string, Method<unknown>>();

export function registerMethod<P>(method: Method<P>): void {
  if (methods.has(method.name)) throw new Error(`method "${method.name}" is registered twice`);
  methods.set(method.name, method as Method<unknown>);
}

export function getMethod(name: string): Method<unknown> | undefined {
  return methods.get(name);
}

export function methodNames(): string[] {
  return [...methods.keys()].sort();
}
