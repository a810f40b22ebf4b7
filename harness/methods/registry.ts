import type { AnyMethod } from './method.ts';

/**
 * Methods by the name experiment files use. A method is registered either as an object (plugins,
 * tests) or lazily, as a function that imports its module (the built-in methods in
 * baselines/index.ts): a heavy method (tfjs, node-llama-cpp) is loaded only when an experiment
 * names it, so `skillbench --help` or `score` never pay for it. The registry knows no method itself.
 */
export type MethodLoader = () => Promise<AnyMethod>;

const loaded = new Map<string, AnyMethod>();
const loaders = new Map<string, MethodLoader>();

export function registerMethod(method: AnyMethod): void {
  checkMethodShape(method, `method "${(method as { name?: unknown })?.name}"`);
  if (loaded.has(method.name) || loaders.has(method.name))
    throw new Error(`method "${method.name}" is registered twice`);
  loaded.set(method.name, method);
}

/** Registers a method by name; `load` imports it the first time an experiment needs it. */
export function registerMethodLoader(name: string, load: MethodLoader): void {
  if (loaded.has(name) || loaders.has(name)) throw new Error(`method "${name}" is registered twice`);
  loaders.set(name, load);
}

/** The method, loading it if it was registered lazily; undefined for an unknown name. */
export async function loadMethod(name: string): Promise<AnyMethod | undefined> {
  const ready = loaded.get(name);
  if (ready) return ready;
  const load = loaders.get(name);
  if (!load) return undefined;
  const method = await load();
  if (method?.name !== name)
    throw new Error(`the loader registered as "${name}" gave a method called "${method?.name}"`);
  checkMethodShape(method, `method "${name}"`);
  loaders.delete(name);
  loaded.set(name, method);
  return method;
}

/** Loads every method of these names that is registered (unknown names are left to the caller). */
export async function loadMethods(names: Iterable<string>): Promise<void> {
  for (const name of new Set(names)) await loadMethod(name);
}

/** A method already loaded (see loadMethod); undefined when unknown or not loaded yet. */
export function getMethod(name: string): AnyMethod | undefined {
  return loaded.get(name);
}

/** Every registered name, loaded or not. */
export function methodNames(): string[] {
  return [...new Set([...loaded.keys(), ...loaders.keys()])].sort();
}

/**
 * What the runner relies on, checked once where a method enters (registration, plugins):
 * a predict function, and load() beside train() (a later process predicts from the artifacts).
 */
export function checkMethodShape(method: unknown, where: string): asserts method is AnyMethod {
  const m = method as Partial<Record<string, unknown>> | null;
  const problems: string[] = [];
  if (!m || typeof m !== 'object')
    throw new Error(`${where}: expected a method object, got ${typeof method}`);
  if (typeof m.name !== 'string' || m.name === '') problems.push('`name` must be a non-empty string');
  if (typeof m.version !== 'string') problems.push('`version` must be a string');
  if (!m.params || typeof (m.params as { safeParse?: unknown }).safeParse !== 'function')
    problems.push('`params` must be a zod schema');
  if (typeof m.predict !== 'function') problems.push('`predict` must be a function');
  if (m.train !== undefined && typeof m.load !== 'function')
    problems.push('a method with `train` needs `load` (to predict from its artifacts in a later process)');
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
}
