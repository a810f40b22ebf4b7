/**
 * The Slurm executor against a real single-node Slurm (.ci/run starts it with
 * scripts/slurm/start.sh; without one these tests skip with the reason). Runs go through the real
 * CLI, as users run them: `run --executor slurm`, `collect`, scancel.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { scancel } from '../../harness/executors/slurm/commands.ts';
import { WorkDir } from '../../harness/executors/work-dir.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { slurmUnavailable } from '../helpers/slurm.ts';
import { tempDir } from '../helpers/tmp.ts';

const PLUGIN = projectPath('test', 'fixtures', 'plugins', 'test-methods.ts');
const env = { SKILLBENCH_PLUGINS: PLUGIN };

interface RunJson {
  id: number;
  key: string;
  experiment: string;
  status: string;
  job: { executor: string; id: string; state: string | null } | null;
  metrics: Record<string, number>;
}

/** Skips the test (with the reason) where no Slurm can be started; true when it can go on. */
async function needSlurm(t: ExecutionContext): Promise<boolean> {
  const reason = await slurmUnavailable();
  if (reason) {
    t.log(`skipped: ${reason}`);
    t.pass();
    return false;
  }
  return true;
}

function experiment(dir: string, name: string, body: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\n${body}`);
  return path;
}

async function runsLs(store: string): Promise<RunJson[]> {
  const listed = await runCli(['runs', 'ls', '--store', store, '--format', 'json']);
  return JSON.parse(listed.stdout) as RunJson[];
}

async function runJson(args: string[], timeoutMs = 240_000): Promise<RunJson[]> {
  const result = await runCli([...args, '--no-report', '--format', 'json'], { env, timeoutMs });
  if (result.code !== 0)
    throw new Error(`skillbench ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
  return JSON.parse(result.stdout) as RunJson[];
}

/** Waits until the file contains the text (a worker's progress), polling. */
async function waitFor(path: string, text: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(existsSync(path) && readFileSync(path, 'utf8').includes(text))) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`${path} did not get "${text}" in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const compare = (runs: RunJson[]) => runs.map((run) => [run.experiment, run.key, run.status, run.metrics]);

test('lexicon and a smoke bert-scratch give the same run keys and metrics through Slurm as locally', async (t) => {
  if (!(await needSlurm(t))) return;
  const files = [
    projectPath('experiments', 'table2', 'lexicon.yaml'),
    projectPath('experiments', 'table2', 'bert.yaml'),
  ];
  const args = [...files, '--only', 'lexicon', 'bert-scratch', '--profile', 'smoke'];
  const local = await runJson(['run', ...args, '--store', join(tempDir(t), 'runs.db')]);
  const slurmStore = join(tempDir(t), 'runs.db');
  const slurm = await runJson(['run', ...args, '--store', slurmStore, '--executor', 'slurm']);
  t.is(local.length, 2);
  t.deepEqual(compare(slurm), compare(local));
  const listed = await runsLs(slurmStore);
  t.deepEqual(
    listed.map((run) => [run.status, run.job?.executor, run.job?.state]),
    [
      ['finished', 'slurm', 'COMPLETED'],
      ['finished', 'slurm', 'COMPLETED'],
    ],
  );
  t.regex(listed[0].job?.id ?? '', /^\d+_\d+$/);
});

test('a task cancelled half-way is recorded with its state and log, and the next run resumes it', async (t) => {
  if (!(await needSlurm(t))) return;
  const dir = tempDir(t);
  const calls = join(dir, 'calls.txt');
  const file = experiment(
    dir,
    'slow',
    `method: test-oracle\nparams: { delay_ms: 100, epochs: 200, calls_file: ${JSON.stringify(calls)} }\ndataset: { limit: { train: 20, dev: 10, test: 10 } }\n`,
  );
  const store = join(dir, 'runs.db');
  const detached = await runCli(
    ['run', file, '--store', store, '--executor', 'slurm', '--detach', '--no-report'],
    { env },
  );
  t.is(detached.code, 0, detached.stderr);
  t.regex(detached.stderr, /queued on Slurm/);
  await waitFor(calls, 'train epoch 3\n');
  // the task id from the work directory (in-process: a CLI call may take seconds on a busy machine)
  const [taskId] = new WorkDir(dir).latestTasks().values();
  await scancel([taskId]);

  // collect from a second process: the fault, with Slurm's state and the log's tail
  const collected = await runCli(['collect', '--store', store, '--no-report'], { env });
  t.is(collected.code, 0, collected.stderr);
  const show = await runCli(['runs', 'show', '1', '--store', store]);
  t.regex(show.stdout, /status {4}interrupted/);
  t.regex(show.stdout, /Slurm task \d+_0 ended CANCELLED/);
  t.regex(show.stdout, /last lines of .*\.log/);
  const [cancelled] = await runsLs(store);
  t.is(cancelled.job?.state, 'CANCELLED');
  t.is(cancelled.job?.id, taskId);
  const epochsBefore = readFileSync(calls, 'utf8').match(/^train epoch/gm)?.length ?? 0;
  t.true(epochsBefore >= 3 && epochsBefore < 200, `cancelled after ${epochsBefore} epochs`);

  const [resumed] = await runJson(['run', file, '--store', store, '--executor', 'slurm']);
  t.is(resumed.status, 'finished');
  t.is(resumed.key, cancelled.key);
  t.not(resumed.job?.id, taskId, 'a new task ran it');
  // every epoch trained exactly once across both tasks: it resumed from the checkpoint
  const epochs = readFileSync(calls, 'utf8').match(/^train epoch \d+$/gm) ?? [];
  t.deepEqual(
    epochs,
    Array.from({ length: 200 }, (_, i) => `train epoch ${i + 1}`),
  );
});

test('a head killed with SIGKILL loses nothing: collect from another process brings every run in', async (t) => {
  if (!(await needSlurm(t))) return;
  const dir = tempDir(t);
  const calls = join(dir, 'calls.txt');
  const file = experiment(
    dir,
    'kill',
    `method: test-oracle\nseeds: [1, 2, 3]\nparams: { delay_ms: 20, epochs: 5, drop_every: 3, calls_file: ${JSON.stringify(calls)} }\ndataset: { limit: { train: 20, dev: 20, test: 20 } }\n`,
  );
  const store = join(dir, 'runs.db');
  const head = spawn(
    process.execPath,
    [CLI, 'run', file, '--store', store, '--executor', 'slurm', '--no-report'],
    {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    },
  );
  await waitFor(calls, 'train epoch 1\n');
  head.kill('SIGKILL');
  await new Promise((resolve) => head.on('close', resolve));

  const collected = await runCli(['collect', '--store', store, '--wait', '--no-report'], {
    env,
    timeoutMs: 180_000,
  });
  t.is(collected.code, 0, collected.stderr);
  const runs = await runsLs(store);
  t.deepEqual(
    runs.map((run) => [run.status, run.job?.state]),
    [
      ['finished', 'COMPLETED'],
      ['finished', 'COMPLETED'],
      ['finished', 'COMPLETED'],
    ],
  );
  // the same numbers as a local run of the same file
  const local = await runJson(['run', file, '--store', join(tempDir(t), 'runs.db')]);
  t.deepEqual(
    runs.map((run) => [run.key, run.metrics]),
    local.map((run) => [run.key, run.metrics]),
  );
  // collecting again changes nothing (idempotent)
  await runCli(['collect', '--store', store, '--no-report'], { env });
  t.deepEqual(await runsLs(store), runs);
});
