import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { CLI, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

interface RunJson {
  key: string;
  status: string;
  metrics: Record<string, number>;
}

/** Metric points of the only run in a store: [name, step, count] of every (name, step) logged. */
function points(store: string): { name: string; step: number | null; n: number; value: number }[] {
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT name, step, COUNT(*) AS n, MAX(value) AS value FROM metrics GROUP BY name, step ORDER BY name, step',
      )
      .all() as { name: string; step: number | null; n: number; value: number }[];
  } finally {
    db.close();
  }
}

function curvePointCount(store: string): number {
  if (!existsSync(store)) return 0;
  try {
    const db = new Database(store, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE step IS NOT NULL').get() as { n: number })
        .n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

// a tiny encoder trained from scratch, a checkpoint after every step: kills land in every phase of
// a step (the step, logging, writing the checkpoint, swapping it in)
const tinyBert = `name: tiny-bert
method: bert-tagger
params:
  config: { hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 }
  max_subwords: 64
  batch_size: 4
  epochs: 2
  learning_rate: 0.002
  schedule: constant
  log_every: 1
  checkpoint_every: 1
  backend: wasm
dataset:
  limit: { train: 24, dev: 8, test: 8 }
`;

test('a training killed again and again resumes with one metric point per step and the results of an unbroken run', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'tiny-bert.yaml');
  writeFileSync(file, tinyBert);
  const store = join(dir, 'killed.db');
  // kill after the 2nd, 5th and 9th curve point reached the store (each resume goes further)
  for (const after of [2, 5, 9]) {
    const child = spawn(process.execPath, [CLI, 'run', '--no-report', file, '--store', store], {
      stdio: 'ignore',
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    while (curvePointCount(store) < after && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await closed;
  }
  const resumed = await runCli(['run', '--no-report', file, '--store', store, '--format', 'json']);
  t.is(resumed.code, 0, resumed.stderr);
  const clean = join(dir, 'clean', 'clean.db');
  const unbroken = await runCli(['run', '--no-report', file, '--store', clean, '--format', 'json']);
  t.is(unbroken.code, 0, unbroken.stderr);

  const killedPoints = points(store);
  t.deepEqual(
    killedPoints.filter((p) => p.n > 1),
    [],
    'no (name, step) recorded twice',
  );
  t.deepEqual(
    killedPoints.map((p) => [p.name, p.step]),
    points(clean).map((p) => [p.name, p.step]),
    'the same points as a run never killed',
  );
  const [a] = JSON.parse(resumed.stdout) as RunJson[];
  const [b] = JSON.parse(unbroken.stdout) as RunJson[];
  t.is(a.status, 'finished');
  t.deepEqual(a.metrics, b.metrics);
});

test('a store that reuses a model trained by another store in the same folder gets its curves', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, 'name: lex\nmethod: lexicon\ndataset:\n  limit: { train: 50, dev: 20, test: 30 }\n');
  const first = await runCli(['run', '--no-report', file, '--store', join(dir, 'a.db')]);
  t.is(first.code, 0, first.stderr);
  const second = await runCli(['run', '--no-report', file, '--store', join(dir, 'b.db')]);
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /reusing the trained model in .* with its \d+ curve points/);
  const curves = (store: string) => points(store).filter((p) => p.step !== null);
  t.true(curves(join(dir, 'a.db')).length > 0);
  t.deepEqual(curves(join(dir, 'b.db')), curves(join(dir, 'a.db')));
});
