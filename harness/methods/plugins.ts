import { existsSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../util/errors.ts';
import { getMethod, registerMethod } from './registry.ts';

/**
 * Loads user methods without forking the project: each plugin module (TypeScript or JavaScript)
 * exports `methods` (an array of Method) or a default Method / array. Plugins come from
 * `--plugin FILE` and from SKILLBENCH_PLUGINS (paths separated like PATH). Returns the names added.
 */
export async function loadPlugins(files: readonly string[] = [], env = process.env): Promise<string[]> {
  const fromEnv = env.SKILLBENCH_PLUGINS?.split(delimiter).filter(Boolean) ?? [];
  const added: string[] = [];
  for (const file of [...fromEnv, ...files]) {
    const path = resolve(file);
    if (!existsSync(path)) throw new InputError('plugin file not found', file);
    if (/\.[cm]?ts$/.test(path)) await enableTypeScript();
    const module = (await import(pathToFileURL(path).href)) as { methods?: unknown; default?: unknown };
    const exported = module.methods ?? module.default;
    const methods: unknown[] = Array.isArray(exported) ? exported : [exported];
    if (!methods.length || methods.some((m) => !m))
      throw new InputError('a plugin must export `methods` (an array of Method) or a default Method', file);
    for (const method of methods) {
      const name = (method as { name?: unknown }).name;
      // the same module loaded twice (env and --plugin) registers once
      if (typeof name === 'string' && getMethod(name) === method) continue;
      try {
        registerMethod(method as Parameters<typeof registerMethod>[0]);
      } catch (error) {
        throw new InputError((error as Error).message, file);
      }
      added.push(name as string);
    }
  }
  return added;
}

/**
 * A TypeScript plugin needs a loader: the sources run under tsx already, the compiled CLI (dist/)
 * registers tsx the first time it meets one.
 */
let typeScriptEnabled = import.meta.url.endsWith('.ts');
async function enableTypeScript(): Promise<void> {
  if (typeScriptEnabled) return;
  const { register } = await import('tsx/esm/api');
  register();
  typeScriptEnabled = true;
}
