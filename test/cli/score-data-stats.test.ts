/** `skillbench data stats` as a real process. */
import { execFile } from 'node:child_process';
import test from 'ava';
import { PROJECT_ROOT, projectPath } from '../../harness/util/paths.ts';

function skillbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [projectPath('bin', 'skillbench.js'), ...args],
      { cwd: PROJECT_ROOT },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

test('data stats prints every bundled split with spans and B tags', async (t) => {
  const run = await skillbench('data', 'stats');
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /train\s+all\s+4800\s+93453\s+2221\s+2969\s+2221\s+2969/);
  t.regex(run.stdout, /dev\s+tech\s+2156/);
  t.regex(run.stdout, /test\s+all\s+3569\s+42786\s+1091\s+1174\s+1090\s+1174/);
  t.regex(run.stdout, /SKILL spans\s+KNOWLEDGE spans\s+SKILL B tags/);
});

test('data stats --format json for one split', async (t) => {
  const run = await skillbench('data', 'stats', '--split', 'test', '--format', 'json');
  t.is(run.code, 0, run.stderr);
  const [stats] = JSON.parse(run.stdout);
  t.like(stats, { name: 'test', sentences: 3569, spans: { SKILL: 1091 }, b_tags: { SKILL: 1090 } });
  t.is(stats.by_source.house.sentences, 1283);
});

test('data stats on a missing file exits 2', async (t) => {
  const run = await skillbench('data', 'stats', '--split', 'nope.jsonl');
  t.is(run.code, 2);
  t.regex(run.stderr, /nope\.jsonl: no such dataset file/);
});
