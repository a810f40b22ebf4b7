/**
 * Journals without Slurm: a worker runs a run through `skillbench worker` exactly as an array task
 * would, and the head ingests its journal; the same run through the local executor gives the same
 * rows. A torn last line is dropped; ingesting twice changes nothing.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import { ingestRun } from '../../harness/executors/ingest.ts';
import { JournalRun, readJournal } from '../../harness/executors/journal.ts';
import { WorkDir } from '../../harness/executors/work-dir.ts';
import { loadExperimentsOrThrow } from '../../harness/experiments/load.ts';
import { planRuns } from '../../harness/experiments/plan.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

async function plan(dir: string) {
  registerBuiltinMethods();
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, 'name: lex\nmethod: lexicon\ndataset: { limit: { train: 60, dev: 30, test: 30 } }\n');
  const { experiments } = await loadExperimentsOrThrow([file]);
  return planRuns(experiments).experiments[0];
}

test('a worker writes only its journal; ingesting it gives the rows the local executor writes, idempotently', async (t) => {
  const dir = tempDir(t);
  const experiment = await plan(dir);
  const [spec] = experiment.runs;
  const workDir = new WorkDir(join(dir, 'work'));
  workDir.writeTicket({
    spec,
    plugins: [],
    experiment: { name: experiment.name, method: 'lexicon', tags: [] },
  });
  const worker = await runCli([
    'worker',
    spec.key,
    '--work-dir',
    workDir.root,
    '--store',
    join(dir, 'never.db'),
  ]);
  t.is(worker.code, 0, worker.stderr);
  t.false(existsSync(join(dir, 'never.db')), 'the worker never opens a store');

  const store = new RunStore(join(dir, 'head.db'));
  t.teardown(() => store.close());
  const first = ingestRun(store, workDir, spec.key);
  t.is(first.run.status, 'finished');
  t.true(first.changed);
  const again = ingestRun(store, workDir, spec.key);
  t.false(again.changed);

  const local = await runCli([
    'run',
    join(dir, 'lex.yaml'),
    '--store',
    join(dir, 'local', 'runs.db'),
    '--no-report',
  ]);
  t.is(local.code, 0, local.stderr);
  const localStore = new RunStore(join(dir, 'local', 'runs.db'));
  t.teardown(() => localStore.close());
  const localRun = localStore.findRunByKey(spec.key)!;
  t.deepEqual(store.summaryMetrics(first.run.id), localStore.summaryMetrics(localRun.id));
  t.deepEqual(store.params(first.run.id), localStore.params(localRun.id));
  t.deepEqual(store.predictions(first.run.id, 'test'), localStore.predictions(localRun.id, 'test'));
  t.deepEqual(
    store.artifacts(first.run.id).map((a) => [a.name, a.sha256]),
    localStore.artifacts(localRun.id).map((a) => [a.name, a.sha256]),
  );
});

test('a torn last line is dropped and cut off before the next attempt appends; a damaged middle line is an error', async (t) => {
  const dir = tempDir(t);
  const [spec] = (await plan(dir)).runs;
  const workDir = new WorkDir(join(dir, 'work'));
  const journal = new JournalRun(workDir, spec);
  journal.updateRun(1, { status: 'running', phase: 'train' });
  journal.logMetrics(1, [{ name: 'loss', value: 1, step: 1, timestamp: 1 }]);
  journal.close();
  appendFileSync(journal.path, '{"event":"metrics","points":[{"na');
  t.is(readJournal(journal.path).events.length, 2);

  const resumed = new JournalRun(workDir, spec);
  t.is(resumed.getRun().status, 'running');
  t.is(resumed.getRun().phase, 'train');
  resumed.updateRun(1, { status: 'interrupted' });
  resumed.close();
  const lines = readFileSync(journal.path, 'utf8').trim().split('\n');
  t.is(lines.length, 3);
  t.notThrows(() => lines.map((line) => JSON.parse(line)));

  writeFileSync(journal.path, `${lines[0]}\nnot json\n${lines[2]}\n`);
  t.throws(() => readJournal(journal.path), { message: /line 2 \(byte \d+\) is not JSON/ });
});
