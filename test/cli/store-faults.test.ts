import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { LATEST_MIGRATION } from '../../harness/tracking/migrations.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const lexicon = `name: lex
method: lexicon
dataset:
  limit: { train: 50, dev: 20, test: 30 }
`;

async function storeWithOneRun(dir: string): Promise<string> {
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, lexicon);
  const store = join(dir, 'runs.db');
  const result = await runCli(['run', '--no-report', file, '--store', store]);
  if (result.code !== 0) throw new Error(result.stderr);
  return store;
}

test('a foreign SQLite file is refused by every command with exit 2, and left untouched', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'contacts.db');
  const db = new Database(path);
  db.exec("CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('ada', '1')");
  db.close();
  const before = readFileSync(path);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, lexicon);
  for (const args of [
    ['runs', 'ls'],
    ['report', '--out', join(dir, 'r.html')],
    ['run', '--no-report', file],
  ]) {
    const result = await runCli([...args, '--store', path]);
    t.is(result.code, 2, args.join(' '));
    t.regex(result.stderr, /contacts\.db: is a SQLite database of another program \(tables contacts\)/);
    t.notRegex(result.stderr, /\n\s+at /, 'no stack trace');
  }
  t.deepEqual(readFileSync(path), before);
  t.deepEqual(readdirSync(dir).sort(), ['contacts.db', 'lex.yaml']);
});

test('a store of a newer skillbench is refused with exit 2 and left untouched', async (t) => {
  const dir = tempDir(t);
  const store = await storeWithOneRun(dir);
  const db = new Database(store);
  db.pragma(`user_version = ${LATEST_MIGRATION + 1}`);
  db.close();
  const before = readFileSync(store);
  for (const args of [
    ['runs', 'ls'],
    ['run', '--no-report', join(dir, 'lex.yaml')],
  ]) {
    const result = await runCli([...args, '--store', store]);
    t.is(result.code, 2);
    t.regex(result.stderr, /runs\.db: was written by a newer skillbench/);
  }
  t.deepEqual(readFileSync(store), before);
});

test('a text file, a truncated store and a bad run id get one clear line each', async (t) => {
  const dir = tempDir(t);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'hello\n'.repeat(50));
  const text = await runCli(['runs', 'ls', '--store', notes]);
  t.is(text.code, 2);
  t.is(
    text.stderr,
    `skillbench: ${notes}: is not a SQLite database (not a skillbench store); it was left untouched\n`,
  );

  const store = await storeWithOneRun(dir);
  const show = await runCli(['runs', 'show', 'abc', '--store', store]);
  t.is(show.code, 2);
  t.regex(show.stderr, /run id must be a positive integer, got "abc"/);

  writeFileSync(store, readFileSync(store).subarray(0, 8192));
  const truncated = await runCli(['runs', 'ls', '--store', store]);
  t.is(truncated.code, 2);
  t.regex(truncated.stderr, /runs\.db: is truncated/);
});

/** Runs the CLI as an unprivileged user when the tests run as root (root ignores permissions). */
function runCliUnprivileged(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      ...asNobody,
      env: { ...process.env, HOME: '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a store in a read-only folder is listed, shown and reported, and nothing is written there', async (t) => {
  const dir = tempDir(t);
  const store = await storeWithOneRun(dir);
  const out = join(tmpdir(), `skillbench-ro-${process.pid}.md`);
  t.teardown(() => rmSync(out, { force: true }));
  // the store's folder: readable by everyone, writable by nobody
  const before = readdirSync(dir).sort();
  chmodSync(dir, 0o555);
  chmodSync(store, 0o444);
  t.teardown(() => chmodSync(dir, 0o755));
  const ls = await runCliUnprivileged(['runs', 'ls', '--store', store, '--format', 'json']);
  t.is(ls.code, 0, ls.stderr);
  t.is((JSON.parse(ls.stdout) as unknown[]).length, 1);
  const show = await runCliUnprivileged(['runs', 'show', '1', '--store', store]);
  t.is(show.code, 0, show.stderr);
  const report = await runCliUnprivileged(['report', '--store', store, '--out', out, '--format', 'md']);
  t.is(report.code, 0, report.stderr);
  t.true(existsSync(out));
  t.deepEqual(readdirSync(dir).sort(), before, 'no -wal, -shm or cache file appeared');
  const run = await runCliUnprivileged(['run', '--no-report', join(dir, 'lex.yaml'), '--store', store]);
  t.is(run.code, 2);
  t.regex(run.stderr, /runs\.db: is read-only/);
});
