import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { PROJECT_ROOT } from '../../harness/util/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const PLUGIN = join(PROJECT_ROOT, 'test', 'experiments', 'fixtures', 'methods.ts');

function skillbench(args: string[], cwd = PROJECT_ROOT) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'skillbench.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SKILLBENCH_PLUGINS: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('validate: a good file exits 0 with a summary of runs per profile', (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'good.yaml'),
    [
      'name: tagger',
      'method: xt-tagger',
      'params: {model: m}',
      'seeds: [1, 2]',
      'sweep: {lr: [0.1, 0.2, 0.3]}',
      'profiles:',
      '  smoke: {seeds: [1], sweep: {}}',
      '---',
      'name: row',
      'published: {source: a paper, protocol: nereval, total_f1: 57.7}',
      '',
    ].join('\n'),
  );
  const { code, stdout, stderr } = skillbench(['validate', 'good.yaml', '--plugin', PLUGIN], dir);
  t.is(stderr, '');
  t.is(code, 0);
  t.is(
    stdout,
    [
      'ok: 1 file, 2 experiments, 1 method (xt-tagger 1), 1 published row',
      '',
      'profile  defined by  runs',
      '-------  ----------  ----',
      '(none)                  6',
      'smoke    1 of 2         1',
      '',
      'runs: what each profile would run; the published row is recorded, never run',
      '',
    ].join('\n'),
  );
});

test('validate: every problem is printed located, and the exit code is 2', (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'bad.yaml'),
    'name: a\nmethod: xt-tagger\nparams:\n  model: m\n  lr: 1e-4x\nseeds: [1, 1]\n---\nname: b\nmethd: xt-tagger\n',
  );
  const { code, stdout } = skillbench(['validate', '.', '--plugin', PLUGIN], dir);
  t.is(code, 2);
  t.is(
    stdout,
    [
      'bad.yaml:5:7 params.lr: expected number, got "1e-4x" (YAML reads it as text: a plain value is a number only when it is exactly one, like 1e-4 or 0.0001)',
      'bad.yaml:6:12 seeds[1]: duplicate seed 1 (also at seeds[0])',
      'bad.yaml:8:1 method: missing (a registered method; or, for a row of numbers from a paper, a `published` block)',
      'bad.yaml:9:1 methd: unknown key `methd` (did you mean `method`?)',
      '',
      '4 errors, 0 warnings in 1 file',
      '',
    ].join('\n'),
  );
});

test('validate: an unknown method suggests the registered one', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'x.yaml'), 'name: a\nmethod: lexicn\n');
  const { code, stdout } = skillbench(['validate', 'x.yaml'], dir);
  t.is(code, 2);
  t.true(stdout.startsWith('x.yaml:2:9 method: unknown method "lexicn" (did you mean `lexicon`?)\n'));
});

test('validate: a misspelt --profile exits 2 with a suggestion', (t) => {
  const { code, stderr } = skillbench(['validate', 'experiments/table2', '--profile', 'quik']);
  t.is(code, 2);
  t.regex(stderr, /^skillbench: --profile quik: no experiment defines it \(did you mean `quick`\?\)\n$/);
});

test('validate: the shipped experiments/table2 files are valid', (t) => {
  const { code, stdout } = skillbench(['validate', 'experiments/table2']);
  t.is(code, 0, stdout);
  t.regex(stdout, /^ok: \d+ files?, \d+ experiments/);
});

test('validate: a missing path exits 2', (t) => {
  const { code, stdout } = skillbench(['validate', 'no/such/dir']);
  t.is(code, 2);
  t.true(stdout.startsWith('no/such/dir no such file or folder\n'));
});
