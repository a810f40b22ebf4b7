/** Which files `skillbench validate|run PATH...` reads: files as given, folders searched recursively. */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Problem } from './problems.ts';

const EXPERIMENT_FILE = /\.ya?ml$/i;

export interface ExperimentFile {
  /** absolute */
  path: string;
  /** as shown in problems and stored on runs: relative to the working directory when inside it */
  display: string;
}

export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Every *.yaml / *.yml under the given files and folders, sorted, each once. */
export function experimentFiles(
  paths: readonly string[],
  cwd = process.cwd(),
): {
  files: ExperimentFile[];
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const found: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      problems.push({ severity: 'error', file: given, path: [], message: 'no such file or folder' });
      continue;
    }
    if (!isDirectory) {
      found.push(path);
      continue;
    }
    const inFolder = walk(path);
    if (inFolder.length === 0) {
      problems.push({
        severity: 'error',
        file: given,
        path: [],
        message: 'no experiment files (*.yaml, *.yml) in this folder',
      });
    }
    found.push(...inFolder);
  }
  const files = [...new Set(found)].map((path) => ({ path, display: displayPath(path, cwd) }));
  return { files, problems };
}

function walk(dir: string): string[] {
  const files: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (EXPERIMENT_FILE.test(entry.name)) files.push(path);
  }
  return files;
}
