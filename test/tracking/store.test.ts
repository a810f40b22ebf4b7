import { spawn } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../harness/tracking/migrations.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import type { RunSpec } from '../../harness/tracking/types.ts';
import { tempDir } from '../helpers/tmp.ts';

const spec = (key: string, experiment = 'exp'): RunSpec => ({
  key,
  experiment,
  file: 'experiments/x.yaml',
  method: 'lexicon',
  methodVersion: '1',
  params: { case_fold: true },
  sweepPoint: {},
  seed: 1,
  dataset: { test: { ref: 'skillspan:test', hash: 'abc' } },
  tags: [],
});

test('a new store is migrated to the latest version, in WAL mode', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as {
    version: number;
  }[];
  t.deepEqual(
    versions.map((v) => v.version),
    MIGRATIONS.map((m) => m.version),
  );
  t.is(store.db.pragma('journal_mode', { simple: true }), 'wal');
  store.close();
});

test('reopening a store applies no migration twice and keeps the data', (t) => {
  const path = join(tempDir(t), 'runs.db');
  const first = new RunStore(path);
  first.upsertExperiment({ name: 'exp', method: 'lexicon' });
  first.ensureRun(spec('k1'));
  first.close();
  const second = new RunStore(path);
  t.is(second.listRuns().length, 1);
  second.close();
});

test('runs, params, metrics with steps, artifacts and predictions round-trip', (t) => {
  const dir = tempDir(t);
  const store = new RunStore(join(dir, 'runs.db'));
  store.upsertExperiment({ name: 'exp', method: 'lexicon', published: { total_f1: 50 } });
  const run = store.ensureRun(spec('k1'));
  t.is(run.status, 'pending');
  t.is(store.ensureRun(spec('k1')).id, run.id, 'the same key is the same run');
  store.updateRun(run.id, {
    status: 'finished',
    finishedAt: '2026-01-01T00:00:00Z',
    timings: { train_s: 1.5 },
  });
  store.logParams(run.id, { lr: 0.001, case_fold: true });
  store.logMetrics(run.id, [
    { name: 'loss', value: 2, step: 1, timestamp: 1 },
    { name: 'loss', value: 1, step: 2, timestamp: 2 },
    { name: 'test.set.overall.f1', value: 0.5, timestamp: 3 },
  ]);
  store.savePredictions(
    run.id,
    'test',
    [
      { id: 'test:1', spans: [] },
      { id: 'test:0', spans: [{ label: 'SKILL', start: 0, end: 1 }] },
    ],
    new Map([
      ['test:0', 0],
      ['test:1', 1],
    ]),
  );
  const got = store.getRun(run.id)!;
  t.is(got.status, 'finished');
  t.deepEqual(got.timings, { train_s: 1.5 });
  t.deepEqual(store.params(run.id), { case_fold: 'true', lr: '0.001' });
  t.deepEqual(store.summaryMetrics(run.id), { 'test.set.overall.f1': 0.5 });
  t.deepEqual(
    store.metricHistory(run.id, 'loss').map((p) => [p.step, p.value]),
    [
      [1, 2],
      [2, 1],
    ],
  );
  t.deepEqual(
    store.predictions(run.id, 'test').map((p) => p.id),
    ['test:0', 'test:1'],
  );
  t.deepEqual(store.listExperiments()[0].published, { total_f1: 50 });
  store.close();
});

test('a run shared by two experiments is listed under both', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  store.upsertExperiment({ name: 'a', method: 'lexicon' });
  store.upsertExperiment({ name: 'b', method: 'lexicon' });
  const run = store.ensureRun(spec('same', 'a'));
  store.ensureRun(spec('same', 'b'));
  t.is(store.listRuns({ experiment: 'b' })[0].id, run.id);
  t.deepEqual(store.runExperiments(run.id), ['a', 'b']);
  store.close();
});

test('deleting a run removes its params, metrics and predictions', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  const run = store.ensureRun(spec('k'));
  store.logMetrics(run.id, [{ name: 'm', value: 1, timestamp: 0 }]);
  t.true(store.deleteRun(run.id));
  t.is((store.db.prepare('SELECT COUNT(*) AS n FROM metrics').get() as { n: number }).n, 0);
  store.close();
});

test('readers in other processes keep reading while a writer writes (WAL)', async (t) => {
  const path = join(tempDir(t), 'runs.db');
  const store = new RunStore(path);
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  const run = store.ensureRun(spec('k'));
  // a reader process polls the store as fast as it can while this process writes
  const reader = spawn(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)}, { readonly: true });
       db.pragma('busy_timeout = 10000'); let reads = 0; const end = Date.now() + 1500;
       while (Date.now() < end) { db.prepare('SELECT COUNT(*) AS n FROM metrics').get(); reads++; }
       console.log(reads);`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let errors = '';
  reader.stdout.on('data', (chunk) => (output += chunk));
  reader.stderr.on('data', (chunk) => (errors += chunk));
  const started = Date.now();
  let written = 0;
  while (Date.now() - started < 1200) {
    store.logMetrics(run.id, [
      { name: 'loss', value: Math.random(), step: written++, timestamp: Date.now() },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const code = await new Promise<number | null>((resolve) => reader.on('close', resolve));
  t.is(code, 0, errors);
  t.true(Number(output) > 10, `reader managed ${output} reads`);
  t.is(store.metricHistory(run.id, 'loss').length, written);
  store.close();
});

test('a read-only open of a missing store fails instead of creating one', (t) => {
  t.throws(() => new RunStore(join(tempDir(t), 'missing.db'), { readonly: true }), {
    any: true,
    code: 'SQLITE_CANTOPEN',
  });
});

/** A store file as migrations up to `version` left it (the layout an older skillbench wrote). */
function storeAtVersion(path: string, version: number): Database.Database {
  const db = new Database(path);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      'then',
    );
  }
  return db;
}

test('migrating a store from per-sentence prediction rows keeps every prediction in order', (t) => {
  const path = join(tempDir(t), 'old.db');
  const old = storeAtVersion(path, 3);
  old.exec(`INSERT INTO experiments (name, method, created_at, updated_at) VALUES ('exp', 'lexicon', 'x', 'x');
    INSERT INTO runs (key, experiment_id, method, seed, status, spec_json, created_at) VALUES ('k', 1, 'lexicon', 1, 'finished', '{}', 'x');`);
  const insert = old.prepare(
    'INSERT INTO predictions (run_id, split, position, sentence_id, prediction_json) VALUES (1, ?, ?, ?, ?)',
  );
  // inserted out of order: the position decides
  for (const position of [2, 0, 1]) {
    const id = `test:${position}`;
    insert.run(
      'test',
      position,
      id,
      JSON.stringify({ id, spans: position === 1 ? [{ label: 'SKILL', start: 0, end: 1 }] : [] }),
    );
  }
  old.close();
  const store = new RunStore(path);
  t.deepEqual(
    store.predictions(1, 'test').map((p) => [p.id, p.spans.length]),
    [
      ['test:0', 0],
      ['test:1', 1],
      ['test:2', 0],
    ],
  );
  t.deepEqual(store.predictions(1, 'dev'), []);
  store.close();
});

test('a reader of an older store migrates it first', (t) => {
  const path = join(tempDir(t), 'old.db');
  const old = storeAtVersion(path, 3);
  old.close();
  const reader = new RunStore(path, { readonly: true });
  t.deepEqual(reader.predictions(1, 'test'), []);
  reader.close();
});
