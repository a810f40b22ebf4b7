import { existsSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../util/errors.ts';
import type { Method } from './method.ts';
import { getMethod, registerMethod } from './registry.ts';

/**
 * Loads user methods without forking the project: each plugin module (TypeScript or JavaScript)
 * exports `methods` (an array of Method) or a default Method / array. Plugins come from
 * `--plugin FILE` and from SKILLBENCH_PLUGINS (paths separated like PATH).
 */
export async function loadPlugins(files: readonly string[] = [], env = process.env): Promise<string[]> {
  const fromEnv = env.SKILLBENCH_PLUGINS?.split(delimiter).filter(Boolean) ?? [];
  const loaded: string[] = [];
  for (const file of [...fromEnv, ...files]) {
    const path = resolve(file);
    if (!existsSync(path)) throw new InputError('plugin file not found', file);
    const module = (await import(pathToFileURL(path).href)) as { methods?: unknown; default?: unknown };
    const exported = module.methods ?? module.default;
    const methods = (Array.isArray(exported) ? exported : [exported]) as Method[];
    if (
      !methods.length ||
      methods.some((m) => !m || typeof m.name !== 'string' || typeof m.predict !== 'function')
    ) {
      throw new InputError('a plugin must export `methods` (an array of Method) or a default Method', file);
    }
    for (const method of methods) {
      if (getMethod(method.name) === method) continue;
      registerMethod(method);
      loaded.push(method.name);
    }
  }
  return loaded;
}
