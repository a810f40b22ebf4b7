import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { projectPath } from '../../harness/util/paths.ts';
import { CLI, type CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const PLUGIN = projectPath('test', 'fixtures', 'plugins', 'test-methods.ts');

/** `skillbench run` in a child process; `stderr()` is what it wrote so far. */
function start(args: string[]): { done: Promise<CliResult>; stderr(): string } {
  let stdout = '';
  let stderr = '';
  const done = new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'run', '--no-report', ...args], {
      env: { ...process.env, SKILLBENCH_PLUGINS: PLUGIN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { done, stderr: () => stderr };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function oracle(dir: string, name: string, calls: string): string {
  const path = join(dir, `${name}.yaml`);
  const hold = join(dir, 'hold');
  writeFileSync(
    path,
    `name: ${name}
method: test-oracle
params: { epochs: 2, calls_file: ${JSON.stringify(calls)}, hold_file: ${JSON.stringify(hold)} }
seeds: [1, 2]
dataset:
  limit: { train: 10, dev: 20, test: 30 }
`,
  );
  return path;
}

/**
 * Two processes on one store, the second started once the first is predicting, both held inside
 * prediction (the `hold` file) until the second has found the first's run taken: every run is
 * executed once (no prediction made twice, one metric point per name and step, prediction
 * artifacts with one line per sentence), and neither process fails.
 */
async function twoProcesses(
  t: import('ava').ExecutionContext,
  files: (dir: string, calls: string) => [string, string],
): Promise<CliResult[]> {
  const dir = tempDir(t);
  const calls = join(dir, 'calls.txt');
  const [first, second] = files(dir, calls);
  const store = join(dir, 'runs.db');
  const hold = join(dir, 'hold');
  writeFileSync(hold, '');
  const a = start([first, '--store', store]);
  await until(() => existsSync(calls) && readFileSync(calls, 'utf8').includes('train epoch 2'));
  const b = start([second, '--store', store]);
  await until(() => b.stderr().includes('going on with other runs'));
  rmSync(hold);
  const results = await Promise.all([a.done, b.done]);
  for (const result of results) t.is(result.code, 0, result.stderr);

  const lines = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
  // the calls file is shared by both seeds: each seed trains 2 epochs and predicts 20 + 30 sentences
  t.is(lines.filter((l) => l.startsWith('dev ')).length, 40, 'each dev sentence predicted once per run');
  t.is(lines.filter((l) => l.startsWith('test ')).length, 60, 'each test sentence predicted once per run');
  t.is(lines.filter((l) => l.startsWith('train ')).length, 4, 'each epoch trained once per run');

  const db = new Database(store, { readonly: true });
  const runs = db.prepare("SELECT id, key, status FROM runs WHERE status = 'finished'").all() as {
    id: number;
    key: string;
  }[];
  t.is(runs.length, 2);
  const duplicates = db
    .prepare('SELECT COUNT(*) AS n FROM metrics GROUP BY run_id, name, step HAVING COUNT(*) > 1')
    .all();
  t.deepEqual(duplicates, []);
  t.is(
    (db.prepare("SELECT COUNT(*) AS n FROM metrics WHERE name = 'train.loss'").get() as { n: number }).n,
    4,
  );
  db.close();
  for (const run of runs) {
    const test = readFileSync(join(dir, 'artifacts', run.key, 'predictions', 'test.jsonl'), 'utf8');
    t.is(test.split('\n').filter(Boolean).length, 30, 'one line per test sentence');
  }
  t.regex(results[1].stderr, /being run by another process \(pid \d+ on [^)]+\); going on with other runs/);
  return results;
}

test('two processes running the same experiment on one store execute each run once', async (t) => {
  for (let round = 0; round < 2; round++) {
    await twoProcesses(t, (dir, calls) => {
      const file = oracle(dir, 'same', calls);
      return [file, file];
    });
  }
});

test('two processes running different experiments that share runs execute each run once', async (t) => {
  await twoProcesses(t, (dir, calls) => [oracle(dir, 'first', calls), oracle(dir, 'second', calls)]);
});
