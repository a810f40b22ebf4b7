import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { projectPath } from '../../harness/util/paths.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const PLUGIN = projectPath('test', 'fixtures', 'plugins', 'test-methods.ts');
const env = { SKILLBENCH_PLUGINS: PLUGIN };

function experiment(dir: string, name: string, body: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\n${body}`);
  return path;
}

const smallData = `dataset:
  limit: { train: 100, dev: 60, test: 80 }
`;

interface RunJson {
  id: number;
  key: string;
  experiment: string;
  status: string;
  cached: boolean;
  metrics: Record<string, number>;
}

test('running a file twice does nothing the second time', async (t) => {
  const dir = tempDir(t);
  const file = experiment(dir, 'lex', `method: lexicon\n${smallData}`);
  const store = join(dir, 'runs.db');
  const first = await runCli(['run', '--no-report', file, '--store', store, '--format', 'json'], { env });
  t.is(first.code, 0, first.stderr);
  const [run] = JSON.parse(first.stdout) as RunJson[];
  t.is(run.status, 'finished');
  t.false(run.cached);
  const second = await runCli(['run', '--no-report', file, '--store', store, '--format', 'json'], { env });
  const [again] = JSON.parse(second.stdout) as RunJson[];
  t.true(again.cached);
  t.is(again.id, run.id);
  t.deepEqual(again.metrics, run.metrics);
  const listed = JSON.parse(
    (await runCli(['runs', 'ls', '--store', store, '--format', 'json'])).stdout,
  ) as RunJson[];
  t.deepEqual(
    listed.map((r) => [r.id, r.key, r.experiment, r.status]),
    [[run.id, run.key, 'lex', 'finished']],
  );
});

test('a run killed with SIGKILL resumes without redoing finished work, with identical results', async (t) => {
  const dir = tempDir(t);
  const calls = join(dir, 'calls.txt');
  const file = experiment(
    dir,
    'slow',
    `method: test-oracle\nparams: { delay_ms: 2, drop_every: 4, epochs: 4, calls_file: ${JSON.stringify(calls)} }\n${smallData}`,
  );
  const store = join(dir, 'runs.db');
  const child = spawn(process.execPath, [CLI, 'run', '--no-report', file, '--store', store], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  // kill it once it is half-way through the test split
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      const text = existsSync(calls) ? readFileSync(calls, 'utf8') : '';
      if (text.includes('test test:40\n')) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 5);
  });
  await new Promise((resolve) => child.on('close', resolve));
  const before = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
  t.true(before.filter((l) => l.startsWith('test ')).length < 80, 'it really was killed mid-way');
  const listed = JSON.parse(
    (await runCli(['runs', 'ls', '--store', store, '--format', 'json'])).stdout,
  ) as RunJson[];
  t.is(listed[0].status, 'interrupted', 'a run whose process is gone is not shown as running');

  const resumed = await runCli(['run', '--no-report', file, '--store', store, '--format', 'json'], { env });
  t.is(resumed.code, 0, resumed.stderr);
  const lines = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
  t.is(new Set(lines).size, lines.length, 'nothing predicted or trained twice');
  t.is(lines.filter((l) => l.startsWith('test ')).length, 80);
  t.is(lines.filter((l) => l.startsWith('dev ')).length, 60);

  const cleanStore = join(dir, 'clean.db');
  const cleanFile = experiment(
    dir,
    'clean',
    `method: test-oracle\nparams: { delay_ms: 2, drop_every: 4, epochs: 4 }\n${smallData}`,
  );
  const clean = await runCli(['run', '--no-report', cleanFile, '--store', cleanStore, '--format', 'json'], {
    env,
  });
  const [a] = JSON.parse(resumed.stdout) as RunJson[];
  const [b] = JSON.parse(clean.stdout) as RunJson[];
  t.deepEqual(a.metrics, b.metrics);
});

test('a failing method does not stop the others, and the exit code says something failed', async (t) => {
  const dir = tempDir(t);
  const failing = experiment(dir, 'fails', `method: test-failing\n${smallData}`);
  const fine = experiment(dir, 'fine', `method: test-oracle\n${smallData}`);
  const skipped = experiment(dir, 'needs-weights', `method: test-needs-weights\n${smallData}`);
  const result = await runCli(
    ['run', '--no-report', failing, fine, skipped, '--store', join(dir, 'runs.db'), '--format', 'json'],
    { env },
  );
  t.is(result.code, 1);
  const runs = JSON.parse(result.stdout) as RunJson[];
  t.deepEqual(
    runs.map((r) => [r.experiment, r.status]),
    [
      ['fails', 'failed'],
      ['fine', 'finished'],
      ['needs-weights', 'skipped'],
    ],
  );
  t.regex(
    result.stderr,
    /needs-weights s1: skipped: no weights at \/nonexistent\/weights; set params.weights/,
  );
});

test('a bad experiment file gives located errors and exit code 2', async (t) => {
  const dir = tempDir(t);
  const file = experiment(dir, 'bad', 'method: lexicon\nparams:\n  min_count: "two"\ndescripton: typo\n');
  const result = await runCli(['run', '--no-report', file, '--store', join(dir, 'runs.db')]);
  t.is(result.code, 2);
  t.regex(result.stderr, /bad\.yaml:4:\d+ params\.min_count/);
  t.regex(result.stderr, /bad\.yaml:5:1 .*descripton.*did you mean .*description/);
  t.notRegex(result.stderr, /\n\s+at /, 'no stack trace');
});

test('--dry-run shows the plan and what is cached without running', async (t) => {
  const dir = tempDir(t);
  const file = experiment(dir, 'lex', `method: lexicon\nseeds: [1, 2]\n${smallData}`);
  const store = join(dir, 'runs.db');
  const dry = await runCli(['run', '--no-report', file, '--store', store, '--dry-run']);
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /2 runs planned/);
  t.is((dry.stdout.match(/\bnew\b/g) ?? []).length, 2);
  await runCli(['run', '--no-report', file, '--store', store, '--seeds', '1']);
  const after = await runCli(['run', '--no-report', file, '--store', store, '--dry-run']);
  t.is((after.stdout.match(/cached/g) ?? []).length, 1);
});

test('a run ends by writing the report and printing its path', async (t) => {
  const dir = tempDir(t);
  const file = experiment(dir, 'lex', `method: lexicon\n${smallData}`);
  const out = join(dir, 'report', 'index.html');
  const result = await runCli(['run', file, '--store', join(dir, 'runs.db'), '--report-out', out]);
  t.is(result.code, 0, result.stderr);
  t.true(result.stdout.includes(`report: ${out}`));
  t.regex(readFileSync(out, 'utf8'), /<table/);
});

test('--jobs must be a positive whole number', async (t) => {
  const dir = tempDir(t);
  const file = experiment(dir, 'lex', `method: lexicon\n${smallData}`);
  for (const jobs of ['0', '-1', '1.5']) {
    const result = await runCli([
      'run',
      '--no-report',
      file,
      '--store',
      join(dir, 'runs.db'),
      '--jobs',
      jobs,
    ]);
    t.is(result.code, 2);
    t.regex(result.stderr, /--jobs must be a positive whole number/);
  }
  t.false(existsSync(join(dir, 'runs.db')), 'nothing was created');
});
