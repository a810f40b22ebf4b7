import test from 'ava';
import { FakeMlflowServer } from './fake-server.ts';

// The fake must refuse what the real server refuses, or the client tests prove nothing.

async function post(fake: FakeMlflowServer, path: string, body: string, contentType?: string) {
  const response = await fetch(`${fake.url}/api/2.0/mlflow${path}`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    // a Blob without a type makes fetch send no Content-Type at all (a string would be text/plain)
    body: contentType ? body : new Blob([body]),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

async function runId(fake: FakeMlflowServer): Promise<string> {
  const created = await post(
    fake,
    '/runs/create',
    JSON.stringify({ experiment_id: '0' }),
    'application/json',
  );
  return created.json.run.info.run_id;
}

test.beforeEach(async (t) => {
  t.context = await FakeMlflowServer.start();
});
test.afterEach.always(async (t) => {
  await (t.context as FakeMlflowServer).close();
});

test('POST bodies must be JSON: 400 INVALID_PARAMETER_VALUE otherwise, as MLflow answers', async (t) => {
  const fake = t.context as FakeMlflowServer;
  const plain = await post(fake, '/experiments/create', '{"name":"x"}', 'text/plain');
  t.is(plain.status, 400);
  t.is(plain.json.error_code, 'INVALID_PARAMETER_VALUE');
  const missing = await post(fake, '/experiments/create', '{"name":"x"}');
  t.is(missing.status, 400);
  t.regex(missing.json.message, /Content-Type header is missing/);
  t.is(
    (await post(fake, '/experiments/create', '{"name":"x"}', 'application/json; charset=utf-8')).status,
    200,
  );
});

test('log-batch over any limit is 400 INVALID_PARAMETER_VALUE and changes nothing', async (t) => {
  const fake = t.context as FakeMlflowServer;
  const id = await runId(fake);
  const batch = (metrics: number, params: number, tags: number) =>
    post(
      fake,
      '/runs/log-batch',
      JSON.stringify({
        run_id: id,
        metrics: Array.from({ length: metrics }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })),
        params: Array.from({ length: params }, (_, i) => ({ key: `p${i}`, value: '1' })),
        tags: Array.from({ length: tags }, (_, i) => ({ key: `t${i}`, value: '1' })),
      }),
      'application/json',
    );
  for (const [metrics, params, tags] of [
    [1001, 0, 0],
    [0, 101, 0],
    [0, 0, 101],
    [801, 100, 100],
  ]) {
    const answer = await batch(metrics, params, tags);
    t.is(answer.status, 400, `${metrics}/${params}/${tags}`);
    t.is(answer.json.error_code, 'INVALID_PARAMETER_VALUE');
    t.regex(answer.json.message, /A batch logging request can contain at most/);
  }
  t.is(fake.runs.get(id)?.metrics.length, 0);
  t.is((await batch(800, 100, 100)).status, 200);
});

test('a changed param is refused, the whole batch with it', async (t) => {
  const fake = t.context as FakeMlflowServer;
  const id = await runId(fake);
  const log = (value: string, metric: number) =>
    post(
      fake,
      '/runs/log-batch',
      JSON.stringify({
        run_id: id,
        params: [{ key: 'lr', value }],
        metrics: [{ key: 'm', value: metric, timestamp: 1 }],
      }),
      'application/json',
    );
  t.is((await log('0.1', 1)).status, 200);
  t.is((await log('0.1', 2)).status, 200);
  const changed = await log('0.2', 3);
  t.is(changed.status, 400);
  t.is(changed.json.error_code, 'INVALID_PARAMETER_VALUE');
  t.deepEqual(
    fake.runs.get(id)?.metrics.map((metric) => metric.value),
    [1, 2],
  );
});

test('missing runs and experiments are 404 RESOURCE_DOES_NOT_EXIST; experiments/list is an unknown route', async (t) => {
  const fake = t.context as FakeMlflowServer;
  const run = await post(fake, '/runs/log-batch', JSON.stringify({ run_id: 'nope' }), 'application/json');
  t.is(run.status, 404);
  t.is(run.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  const experiment = await post(
    fake,
    '/runs/create',
    JSON.stringify({ experiment_id: '99' }),
    'application/json',
  );
  t.is(experiment.status, 404);
  t.is(experiment.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  const byName = await fetch(`${fake.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope`);
  t.is(byName.status, 404);
  const list = await fetch(`${fake.url}/api/2.0/mlflow/experiments/list`);
  t.is(list.status, 404);
  t.regex(await list.text(), /<title>404 Not Found/);
});

test('bad names are refused like MLflow refuses them', async (t) => {
  const fake = t.context as FakeMlflowServer;
  const id = await runId(fake);
  for (const key of ['a//b', '../up', '/abs', 'trailing/', 'comma,name', 'x'.repeat(251)]) {
    const answer = await post(
      fake,
      '/runs/log-batch',
      JSON.stringify({ run_id: id, params: [{ key, value: '1' }] }),
      'application/json',
    );
    t.is(answer.status, 400, key);
  }
});
