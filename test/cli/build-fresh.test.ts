import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
// @ts-expect-error: a plain JavaScript module without types (bin/ runs before any build)
import { buildIsFresh } from '../../bin/build-fresh.js';
import { tempDir } from '../helpers/tmp.ts';

const check = buildIsFresh as (root: URL) => boolean;

/** A project tree whose files all date from `at` (seconds since the epoch). */
function tree(dir: string, at: number): void {
  for (const file of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'harness/cli/main.ts',
    'baselines/x/method.ts',
    'harness/notes.md',
  ]) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '');
    utimesSync(join(dir, file), at, at);
  }
}

function stamp(dir: string, at: number): void {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', '.built'), '');
  utimesSync(join(dir, 'dist', '.built'), at, at);
}

const root = (dir: string) => pathToFileURL(`${dir}/`);

test('a build newer than every source is fresh; none, or an older one, is not', (t) => {
  const dir = tempDir(t);
  tree(dir, 1000);
  t.false(check(root(dir)), 'no build');
  stamp(dir, 2000);
  t.true(check(root(dir)));
  stamp(dir, 500);
  t.false(check(root(dir)), 'sources edited after the build');
});

test('one edited source or build setting makes the build stale; other files do not', (t) => {
  const dir = tempDir(t);
  tree(dir, 1000);
  stamp(dir, 2000);
  utimesSync(join(dir, 'harness', 'notes.md'), 3000, 3000);
  t.true(check(root(dir)), 'not a TypeScript source');
  utimesSync(join(dir, 'baselines', 'x', 'method.ts'), 3000, 3000);
  t.false(check(root(dir)));
  utimesSync(join(dir, 'baselines', 'x', 'method.ts'), 1000, 1000);
  utimesSync(join(dir, 'tsconfig.build.json'), 3000, 3000);
  t.false(check(root(dir)));
});
