import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { type LoadResult, loadExperiments } from '../../harness/experiments/load.ts';
import { formatProblem } from '../../harness/experiments/problems.ts';
import { getMethod, registerMethod } from '../../harness/methods/registry.ts';
import { tempDir } from '../helpers/tmp.ts';
import { methods } from './fixtures/methods.ts';

/** Registers the fixture methods once per test process. */
export function registerFixtureMethods(): void {
  for (const method of methods) if (!getMethod(method.name)) registerMethod(method);
}

/** Writes files (relative path -> text) into a fresh folder and returns it. */
export function writeFiles(t: ExecutionContext, files: Record<string, string>): string {
  const dir = tempDir(t, 'skillbench-exp-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Loads the given files (relative to dir) with dir as the working directory. */
export async function load(dir: string, paths: string[] = ['.']): Promise<LoadResult & { lines: string[] }> {
  const result = await loadExperiments(paths, dir);
  return { ...result, lines: result.problems.map(formatProblem) };
}

/** Sentences in SkillSpan JSONL form (for dataset paths in experiments). */
export function skillspanJsonl(count: number, word = 'Python'): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `${JSON.stringify({ idx: i, tokens: ['Know', word], tags_skill: ['O', 'O'], tags_knowledge: ['O', 'B'], source: 'tech' })}\n`,
  ).join('');
}
