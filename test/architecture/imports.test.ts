/**
 * The arrows between modules, checked on the static imports (type-only ones included) of the
 * library code (harness/, baselines/): no import cycles, and no library module imports the CLI
 * or (for tracking) the runner and the report. Dynamic import() is how a module loads another
 * lazily, so it does not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import test from 'ava';
import { projectPath } from '../../harness/util/paths.ts';

const ROOT = projectPath();
const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s)?\s*'([^']+)'/g;

function libraryFiles(): string[] {
  return ['harness', 'baselines'].flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(folder, file)),
  );
}

/** file (relative to the root) -> the library files it imports statically */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of libraryFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(STATIC_IMPORT)]
      .map((match) => match[1])
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)));
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const graph = importGraph();

test('the import graph is read (sanity: a known arrow is there)', (t) => {
  t.true(graph.size > 100);
  t.true(graph.get('harness/runner/execute-run.ts')?.includes('harness/tracking/store.ts'));
});

test('library code has no import cycles', (t) => {
  t.deepEqual(cycles(graph), []);
});

test('only the CLI imports the CLI; tracking imports neither the runner nor the report', (t) => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const cli = target.startsWith('harness/cli/') && !file.startsWith('harness/cli/');
      const tracking = file.startsWith('harness/tracking/') && /^harness\/(runner|report|cli)\//.test(target);
      if (cli || tracking) wrong.push(`${file} -> ${target}`);
    }
  }
  t.deepEqual(wrong, []);
});

test('the cycle finder finds a cycle', (t) => {
  const demo = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  t.deepEqual(cycles(demo), [['a', 'b', 'c']]);
});
