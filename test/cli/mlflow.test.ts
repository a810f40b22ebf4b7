import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FakeMlflowServer } from '../tracking/mlflow/fake-server.ts';

const experiment = `name: lex
method: lexicon
dataset:
  limit: { train: 100, dev: 50, test: 60 }
`;

test('runs are mirrored to MLflow as they finish, and a later sync sends nothing new', async (t) => {
  const fake = await FakeMlflowServer.start();
  t.teardown(() => fake.close());
  const dir = tempDir(t);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, experiment);
  const store = join(dir, 'runs.db');
  const env = { MLFLOW_TRACKING_URI: fake.url };

  const run = await runCli(
    ['run', file, '--store', store, '--report-out', join(dir, 'report', 'index.html')],
    { env },
  );
  t.is(run.code, 0, run.stderr);
  const [mirrored] = [...fake.runs.values()];
  t.truthy(mirrored, 'the run reached MLflow');
  t.is(mirrored.info.status, 'FINISHED');
  t.is(mirrored.tags.get('skillbench.method'), 'lexicon');
  t.is(mirrored.params.get('case_fold'), 'true');
  const metricNames = new Set(mirrored.metrics.map((m) => m.key));
  for (const name of [
    'test.nervaluate.overall.f1',
    'test.nereval.overall.f1',
    'test.set.SKILL.f1',
    'dev.set.tech.precision',
  ]) {
    t.true(metricNames.has(name), name);
  }
  t.true(
    mirrored.metrics.some((m) => m.key === 'tune.SKILL.dev_f1' && m.step > 0),
    'curves keep their steps',
  );
  t.is([...fake.experiments.values()].filter((e) => e.name === 'lex').length, 1);
  const uploads = fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path);
  for (const artifact of ['predictions/test.jsonl', 'scores/test.json', 'report/index.html']) {
    t.true(
      uploads.some((path) => path.endsWith(artifact)),
      `${artifact} uploaded (${uploads.join(', ')})`,
    );
  }

  const before = fake.requests.length;
  const sync = await runCli(['mlflow', 'sync', '--store', store], { env });
  t.is(sync.code, 0, sync.stderr);
  const writes = fake.requests
    .slice(before)
    .filter((r) => r.method !== 'GET' && !/search|get-by-name/.test(r.path));
  t.deepEqual(writes, [], 'nothing new sent');
});

test('a run does not fail or hang when the MLflow server is down', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, experiment);
  // port 9 (discard) on loopback refuses connections
  const result = await runCli(
    ['run', '--no-report', file, '--store', join(dir, 'runs.db'), '--format', 'json'],
    {
      env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' },
    },
  );
  t.is(result.code, 0, result.stderr);
  t.is((JSON.parse(result.stdout) as { status: string }[])[0].status, 'finished');
  t.regex(result.stderr, /MLflow mirror of run \w+ failed \(the local run is unaffected\)/);
});
