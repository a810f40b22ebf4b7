import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

test('runs show, export (re-scorable bundle) and rm', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, 'name: lex\nmethod: lexicon\ndataset:\n  limit: { train: 200, dev: 80, test: 90 }\n');
  const store = join(dir, 'runs.db');
  const ran = await runCli(['run', '--no-report', file, '--store', store, '--format', 'json']);
  t.is(ran.code, 0, ran.stderr);
  const [run] = JSON.parse(ran.stdout) as { id: number; metrics: Record<string, number> }[];

  const shown = await runCli(['runs', 'show', String(run.id), '--store', store]);
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /status\s+finished/);
  t.regex(shown.stdout, /predictions\/test\.jsonl/);
  const json = JSON.parse(
    (await runCli(['runs', 'show', String(run.id), '--store', store, '--format', 'json'])).stdout,
  );
  t.is(json.environment.node, process.version);

  const bundle = join(dir, 'bundle');
  const exported = await runCli(['runs', 'export', String(run.id), '--store', store, '--out', bundle]);
  t.is(exported.code, 0, exported.stderr);
  for (const name of [
    'spec.json',
    'environment.json',
    'metrics.json',
    'gold/test.jsonl',
    'predictions/test.jsonl',
    'README.md',
  ]) {
    t.true(existsSync(join(bundle, name)), name);
  }
  // a reviewer re-scores the bundle with nothing but its files and gets the store's numbers
  const rescored = await runCli(
    ['score', '--gold', 'gold/test.jsonl', '--pred', 'predictions/test.jsonl', '--format', 'json'],
    {
      cwd: bundle,
    },
  );
  t.is(rescored.code, 0, rescored.stderr);
  const report = JSON.parse(rescored.stdout);
  t.is(report.protocols.nervaluate.overall.strict.f1, run.metrics['test.nervaluate.overall.f1']);
  t.is(report.protocols.nereval.strict_combined.f1, run.metrics['test.nereval.overall.f1']);
  t.is(report.protocols.set.per_label.KNOWLEDGE.f1, run.metrics['test.set.KNOWLEDGE.f1']);

  const removed = await runCli(['runs', 'rm', String(run.id), '--store', store]);
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(JSON.parse((await runCli(['runs', 'ls', '--store', store, '--format', 'json'])).stdout), []);
  const missing = await runCli(['runs', 'show', String(run.id), '--store', store]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /no run with id/);
});

test('reading commands on a missing store say so and exit 2', async (t) => {
  const result = await runCli(['runs', 'ls', '--store', join(tempDir(t), 'none.db')]);
  t.is(result.code, 2);
  t.regex(result.stderr, /no tracking store at/);
});
