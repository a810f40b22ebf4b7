import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { projectPath } from '../../harness/util/paths.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const DOC = readFileSync(projectPath('docs', 'adding-a-method.md'), 'utf8');
const EXAMPLE = projectPath('test', 'fixtures', 'plugins', 'known-words.ts');

/** The fenced code blocks of a language in the doc, in order. */
function blocks(language: string): string[] {
  return [...DOC.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);
}

test('the method in docs/adding-a-method.md is exactly test/fixtures/plugins/known-words.ts', (t) => {
  t.is(blocks('ts')[0], readFileSync(EXAMPLE, 'utf8'));
});

test("the doc's experiment runs the doc's method as a plugin: trains, predicts and scores", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'known-words.yaml');
  writeFileSync(file, blocks('yaml')[0]);
  const store = join(dir, 'runs.db');
  const result = await runCli([
    'run',
    file,
    '--plugin',
    EXAMPLE,
    '--store',
    store,
    '--no-report',
    '--format',
    'json',
  ]);
  t.is(result.code, 0, result.stderr);
  const [run] = JSON.parse(result.stdout) as { status: string; metrics: Record<string, number> }[];
  t.is(run.status, 'finished');
  t.true(run.metrics.known_words > 0);
  t.true(run.metrics['test.set.KNOWLEDGE.f1'] > 0);
  t.is(run.metrics['test.set.SKILL.f1'], 0);
  t.true('dev.nervaluate.overall.f1' in run.metrics);
});
