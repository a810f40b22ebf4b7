import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root (the folder holding package.json), whatever the working directory is: the
 * nearest parent of this file with a package.json, so that the compiled copy in dist/ finds the
 * same data, templates and fixtures as the sources.
 */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '..', '..');
  }
}

export function projectPath(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
