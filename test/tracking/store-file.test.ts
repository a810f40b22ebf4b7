import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { LATEST_MIGRATION } from '../../harness/tracking/migrations.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import { STORE_APPLICATION_ID } from '../../harness/tracking/store-file.ts';
import type { RunSpec } from '../../harness/tracking/types.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const spec = (key: string): RunSpec => ({
  key,
  experiment: 'exp',
  file: 'experiments/x.yaml',
  method: 'lexicon',
  methodVersion: '1',
  params: {},
  sweepPoint: {},
  seed: 1,
  dataset: { test: { ref: 'skillspan:test', hash: 'abc' } },
  tags: [],
});

function contactsDb(path: string): Buffer {
  const db = new Database(path);
  db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ada')");
  db.close();
  return readFileSync(path);
}

test('a new store carries the marker: application_id and the schema version', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  t.is(store.db.pragma('application_id', { simple: true }), STORE_APPLICATION_ID);
  t.is(store.db.pragma('user_version', { simple: true }), LATEST_MIGRATION);
  store.close();
});

test("another program's SQLite file is refused, writable or read-only, and left untouched", (t) => {
  const path = join(tempDir(t), 'contacts.db');
  const before = contactsDb(path);
  for (const readonly of [false, true]) {
    t.throws(() => new RunStore(path, { readonly }), {
      message: /contacts\.db: is a SQLite database of another program \(tables contacts\).*left untouched/,
    });
  }
  t.deepEqual(readFileSync(path), before);
  t.false(existsSync(`${path}-wal`));
});

test('a file with a foreign application_id is refused before SQLite opens it', (t) => {
  const path = join(tempDir(t), 'other.db');
  const db = new Database(path);
  db.pragma('application_id = 1234');
  db.exec('CREATE TABLE runs (id INTEGER); CREATE TABLE schema_migrations (version INTEGER)');
  db.close();
  t.throws(() => new RunStore(path), { message: /application_id 0x4d2/ });
});

test('a store written by a newer skillbench is refused untouched', (t) => {
  const path = join(tempDir(t), 'runs.db');
  new RunStore(path).close();
  const db = new Database(path);
  db.pragma(`user_version = ${LATEST_MIGRATION + 40}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const before = readFileSync(path);
  for (const readonly of [false, true]) {
    t.throws(() => new RunStore(path, { readonly }), {
      message: new RegExp(
        `newer skillbench \\(schema version ${LATEST_MIGRATION + 40}; this one knows up to`,
      ),
    });
  }
  t.deepEqual(readFileSync(path), before);
});

test('a file that is not SQLite, an empty one and a truncated store each get a message naming the file', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'notes.db');
  writeFileSync(text, 'these are my notes, not a database\n'.repeat(10));
  t.throws(() => new RunStore(text), {
    message: `${text}: is not a SQLite database (not a skillbench store); it was left untouched`,
  });
  t.is(readFileSync(text, 'utf8'), 'these are my notes, not a database\n'.repeat(10));

  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  t.throws(() => new RunStore(empty, { readonly: true }), { message: /empty\.db: is empty/ });

  const truncated = join(dir, 'runs.db');
  const store = new RunStore(truncated);
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  store.logMetrics(store.ensureRun(spec('k')).id, [{ name: 'm', value: 1, timestamp: 0 }]);
  store.close();
  truncateSync(truncated, statSync(truncated).size - 4096);
  t.throws(() => new RunStore(truncated, { readonly: true }), { message: /runs\.db: is truncated/ });
});

test('a store from before the marker is recognised by its tables and marked when written', (t) => {
  const path = join(tempDir(t), 'runs.db');
  new RunStore(path).close();
  const db = new Database(path);
  db.pragma('application_id = 0');
  db.pragma('user_version = 0');
  db.close();
  const reader = new RunStore(path, { readonly: true });
  t.is(reader.listRuns().length, 0);
  reader.close();
  const writer = new RunStore(path);
  t.is(writer.db.pragma('application_id', { simple: true }), STORE_APPLICATION_ID);
  writer.close();
});

test('a store in a read-only folder opens read-only and never writes', (t) => {
  if (process.getuid?.() === 0) return t.pass('root ignores file permissions; nothing to check');
  const dir = tempDir(t);
  const path = join(dir, 'runs.db');
  const store = new RunStore(path);
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  store.ensureRun(spec('k'));
  store.close();
  chmodSync(dir, 0o555);
  t.teardown(() => chmodSync(dir, 0o755));
  const reader = new RunStore(path, { readonly: true });
  t.is(reader.listRuns().length, 1);
  reader.close();
  t.throws(() => new RunStore(path), { message: /runs\.db: is read-only/ });
});

test('metric logging is idempotent per (run, name, step)', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  const run = store.ensureRun(spec('k'));
  const points = [1, 2, 3].map((step) => ({ name: 'loss', value: step, step, timestamp: step }));
  store.logMetrics(run.id, points);
  store.logMetrics(run.id, [...points.slice(1), { name: 'loss', value: 4, step: 4, timestamp: 4 }]);
  store.logMetrics(run.id, [{ name: 'f1', value: 0.1, timestamp: 5 }]);
  store.logMetrics(run.id, [{ name: 'f1', value: 0.2, timestamp: 6 }]);
  t.deepEqual(
    store.metricHistory(run.id).map((p) => [p.name, p.step, p.value]),
    [
      ['loss', 1, 1],
      ['loss', 2, 2],
      ['loss', 3, 3],
      ['loss', 4, 4],
      ['f1', undefined, 0.2],
    ],
  );
  store.close();
});

test('a run lease goes to one owner; it passes on only when the owner is gone', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  const run = store.ensureRun(spec('k'));
  const me = { token: 'me', pid: process.pid, host: 'here' };
  const other = { token: 'other', pid: 1, host: 'elsewhere' };
  t.true(store.claimRun(run.id, { ...me, host: hostname() }).claimed);
  const refused = store.claimRun(run.id, other);
  t.false(refused.claimed);
  t.like(refused, { holder: { pid: process.pid } });
  t.true(store.claimRun(run.id, { ...me, host: hostname() }).claimed, 'the owner may claim again');
  store.releaseRun(run.id, { ...me, host: hostname() });
  t.true(store.claimRun(run.id, other).claimed, 'a released run is free');
  // `other` is on another host: its lease lapses when not renewed
  const now = Date.now();
  t.false(store.claimRun(run.id, me, now + 60_000).claimed);
  t.true(store.renewLease(run.id, other, now + 100_000));
  t.false(store.claimRun(run.id, me, now + 150_000).claimed);
  t.true(
    store.claimRun(run.id, me, now + 300_000).claimed,
    'a lease not renewed for 2 minutes is taken over',
  );
  t.false(store.renewLease(run.id, other), 'the old owner learns it lost the lease');
  store.close();
});

test('a run held by a dead process on this host is taken over at once', (t) => {
  const store = new RunStore(join(tempDir(t), 'runs.db'));
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  const run = store.ensureRun(spec('k'));
  // pid 2^22 + 1 is above Linux's pid_max: never a live process
  t.true(store.claimRun(run.id, { token: 'dead', pid: 4194305, host: hostname() }).claimed);
  store.updateRun(run.id, { status: 'running' });
  t.true(store.claimRun(run.id, { token: 'me', pid: process.pid, host: hostname() }).claimed);
  store.close();
});

test('a write waits for another process holding the write lock instead of failing with "database is locked"', async (t) => {
  const path = join(tempDir(t), 'runs.db');
  const store = new RunStore(path);
  store.upsertExperiment({ name: 'exp', method: 'lexicon' });
  const storeModule = projectPath('harness', 'tracking', 'store.ts');
  // ensureRun reads, then writes: under WAL a deferred transaction would fail at once here
  const script = `
    import { RunStore } from ${JSON.stringify(storeModule)};
    const store = new RunStore(${JSON.stringify(path)});
    console.log('ready');
    const run = store.ensureRun({ key: 'k', experiment: 'exp', file: 'x.yaml', method: 'lexicon',
      methodVersion: '1', params: {}, sweepPoint: {}, seed: 1, dataset: {}, tags: [] });
    store.logMetrics(run.id, [{ name: 'm', value: 1, step: 1, timestamp: 1 }]);
    store.close();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  // this process takes the write lock and keeps it for 400 ms
  store.db.exec('BEGIN IMMEDIATE');
  store.db.prepare("UPDATE experiments SET description = 'busy'").run();
  await new Promise((resolve) => setTimeout(resolve, 400));
  store.db.exec('COMMIT');
  t.is(await closed, 0, stderr);
  t.is(store.listRuns().length, 1);
  t.is(store.metricHistory(store.listRuns()[0].id).length, 1);
  store.close();
});
