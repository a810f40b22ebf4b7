import { readFileSync } from 'node:fs';
import test from 'ava';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import { planRuns } from '../../harness/experiments/plan.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { load, writeFiles } from './helpers.ts';

registerBuiltinMethods();

test('the full example of docs/experiments.md is a valid experiment file', async (t) => {
  const doc = readFileSync(projectPath('docs', 'experiments.md'), 'utf8');
  const example = /## A full example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!example) return t.fail('no example block');
  const dir = writeFiles(t, { 'example.yaml': example });
  const { lines, experiments } = await load(dir);
  t.deepEqual(lines, []);
  t.is(planRuns(experiments).runs.length, 6);
  t.is(planRuns(experiments, { profile: 'smoke' }).runs.length, 1);
});
