import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { projectPath } from '../../harness/util/paths.ts';
import { table2Store } from './fixtures/temp-store.ts';

const cli = (args: string[]) =>
  spawnSync(process.execPath, [projectPath('bin', 'skillbench.js'), ...args], {
    encoding: 'utf8',
    cwd: projectPath(),
  });

test('skillbench report writes each format where asked and prints the path', (t) => {
  const { path, dir } = table2Store(t, { testLimit: 300, devLimit: 50 });
  for (const [format, file] of [
    ['md', 'table.md'],
    ['latex', 'table.tex'],
    ['html', 'report.html'],
  ]) {
    const out = join(dir, file);
    const result = cli([
      '--store',
      path,
      'report',
      '--format',
      format,
      '--out',
      out,
      '--bootstrap',
      '100',
      '--no-cache',
    ]);
    t.is(result.status, 0, result.stderr);
    t.regex(result.stdout, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
    t.true(existsSync(out));
  }
  t.regex(readFileSync(join(dir, 'table.tex'), 'utf8'), /\\toprule/);
});

test('skillbench report: a missing store or a bad flag is an input error (exit 2)', (t) => {
  const missing = cli(['--store', '/nonexistent/runs.db', 'report']);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /no tracking store at \/nonexistent\/runs\.db/);
  const { path } = table2Store(t, { testLimit: 50, devLimit: 20 });
  const bad = cli(['--store', path, 'report', '--bootstrap', '-3']);
  t.is(bad.status, 2);
  t.regex(bad.stderr, /--bootstrap must be a non-negative integer/);
  const protocol = cli(['--store', path, 'report', '--protocol', 'seqeval']);
  t.is(protocol.status, 2);
});
