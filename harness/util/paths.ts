import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json), whatever the working directory is. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function projectPath(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
