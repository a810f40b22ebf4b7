import test from 'ava';
import { MlflowError } from '../../../harness/tracking/mlflow/errors.ts';
import type { MlflowMetric } from '../../../harness/tracking/mlflow/types.ts';
import { FakeMlflowServer } from './fake-server.ts';
import { fastClient, withServer } from './helpers.ts';

async function newRun(fake: FakeMlflowServer): Promise<string> {
  const client = fastClient(fake.url);
  const experimentId = await client.createExperiment(`exp-${Math.random()}`);
  return (await client.createRun({ experimentId, runName: 'r' })).info.run_id;
}

function metrics(count: number): MlflowMetric[] {
  return Array.from({ length: count }, (_, i) => ({ key: 'curve', value: i, step: i, timestamp: 1000 + i }));
}

test('get-by-name answers undefined for a missing experiment, create makes it, a second create is RESOURCE_ALREADY_EXISTS', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    t.is(await client.getExperimentByName('missing'), undefined);
    t.is(fake.requestsTo('/experiments/get-by-name')[0].outcome, 404);

    const id = await client.createExperiment('table2');
    const found = await client.getExperimentByName('table2');
    t.is(found?.experiment_id, id);
    t.is(found?.lifecycle_stage, 'active');

    const error = await t.throwsAsync(client.createExperiment('table2'), { instanceOf: MlflowError });
    t.is(error.errorCode, 'RESOURCE_ALREADY_EXISTS');
    t.is(error.status, 400);
  });
});

test('experiments/search pages through results; experiments/list is gone (404)', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    for (const name of ['a', 'b', 'c']) await client.createExperiment(name);
    const first = await client.searchExperiments({ maxResults: 2 });
    t.is(first.experiments.length, 2);
    t.truthy(first.nextPageToken);
    const second = await client.searchExperiments({ maxResults: 2, pageToken: first.nextPageToken });
    t.deepEqual([...first.experiments, ...second.experiments].map((experiment) => experiment.name).sort(), [
      'Default',
      'a',
      'b',
      'c',
    ]);
    t.deepEqual(
      (await client.searchExperiments({ filter: "name = 'b'" })).experiments.map((e) => e.name),
      ['b'],
    );

    const error = await t.throwsAsync(
      client.http.request({ method: 'GET', path: '/api/2.0/mlflow/experiments/list' }),
      {
        instanceOf: MlflowError,
      },
    );
    t.is(error.status, 404);
    t.is(error.errorCode, 'ENDPOINT_NOT_FOUND');
    t.is(fake.requestsTo('/experiments/list').length, 1, 'a 404 is not retried');
  });
});

test('runs: create, get, update and search round-trip', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const experimentId = await client.createExperiment('runs');
    const created = await client.createRun({
      experimentId,
      runName: 'key123',
      startTime: 1000,
      tags: [{ key: 'skillbench.run_key', value: 'key123' }],
    });
    t.is(created.info.status, 'RUNNING');
    t.is(created.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${created.info.run_id}/artifacts`);

    const updated = await client.updateRun({ runId: created.info.run_id, status: 'FINISHED', endTime: 2000 });
    t.is(updated.status, 'FINISHED');
    t.is(updated.end_time, 2000);

    const fetched = await client.getRun(created.info.run_id);
    t.is(fetched.info.run_name, 'key123');
    t.true(fetched.data.tags?.some((tag) => tag.key === 'mlflow.runName' && tag.value === 'key123'));

    const { runs } = await client.searchRuns({
      experimentIds: [experimentId],
      filter: "tags.skillbench.run_key = 'key123'",
    });
    t.deepEqual(
      runs.map((run) => run.info.run_id),
      [created.info.run_id],
    );

    const missing = await t.throwsAsync(client.getRun('0123456789abcdef'), { instanceOf: MlflowError });
    t.is(missing.errorCode, 'RESOURCE_DOES_NOT_EXIST');
    t.is(missing.status, 404);
  });
});

test('log-batch splits exactly at the limits: 1000 metrics, 100 params, 100 tags, 1000 entities per call', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    const calls = () =>
      fake.requestsTo('/runs/log-batch').map((request) => request.json as Record<string, unknown[]>);

    t.is((await client.logBatch(runId, { metrics: metrics(1000) })).calls, 1);
    t.is((await client.logBatch(runId, { metrics: metrics(1001) })).calls, 2);

    const params = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));
    const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ key: `tag${i}`, value: 'v' }));
    t.is((await client.logBatch(runId, { params: params(100, 'p') })).calls, 1);
    t.is((await client.logBatch(runId, { params: params(101, 'q') })).calls, 2);
    t.is(
      (await client.logBatch(runId, { params: params(100, 'r'), tags: tags(100), metrics: metrics(800) }))
        .calls,
      1,
    );
    t.is(
      (await client.logBatch(runId, { params: params(100, 's'), tags: tags(100), metrics: metrics(801) }))
        .calls,
      2,
    );

    const big = await client.logBatch(runId, {
      params: params(250, 'big'),
      tags: tags(150),
      metrics: metrics(2500),
    });
    t.true(big.calls >= 4);
    for (const body of calls()) {
      t.true(body.metrics.length <= 1000);
      t.true(body.params.length <= 100);
      t.true(body.tags.length <= 100);
      t.true(body.metrics.length + body.params.length + body.tags.length <= 1000);
    }
    t.true(calls().every((_, i) => fake.requestsTo('/runs/log-batch')[i].outcome === 200));
    const run = fake.runs.get(runId)!;
    t.is(run.params.size, 100 + 101 + 100 + 100 + 250);
    // a metric history keeps its order across calls
    const lastCurve = run.metrics.slice(-2500).map((metric) => metric.step);
    t.deepEqual(lastCurve, [...Array(2500).keys()]);
  });
});

test('log-batch also keeps each call under the 1 MB body limit', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    // 100 params of 6000 characters and 100 tags of 5000: about 1.1 MB in one call
    const report = await client.logBatch(runId, {
      params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) })),
      tags: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'y'.repeat(5000) })),
    });
    t.is(report.calls, 2);
    for (const request of fake.requestsTo('/runs/log-batch')) t.true(request.bytes.length <= 1_000_000);
  });
});

test('param and tag values over the limits are truncated (in code points) and reported', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    const emoji = '😀'.repeat(6001);
    const report = await client.logBatch(runId, {
      params: [
        { key: 'long', value: 'a'.repeat(7000) },
        { key: 'emoji', value: emoji },
      ],
      tags: [{ key: 'note', value: 'b'.repeat(5001) }],
    });
    t.deepEqual(report.truncated, [
      { kind: 'param', key: 'long', from: 7000, to: 6000 },
      { kind: 'param', key: 'emoji', from: 6001, to: 6000 },
      { kind: 'tag', key: 'note', from: 5001, to: 5000 },
    ]);
    const run = fake.runs.get(runId)!;
    t.is(run.params.get('long')?.length, 6000);
    t.is([...(run.params.get('emoji') ?? '')].length, 6000);
    t.is(run.tags.get('note')?.length, 5000);
  });
});

test('names MLflow would refuse are rejected before anything is sent', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    const error = await t.throwsAsync(
      client.logBatch(runId, {
        metrics: [{ key: 'f1,score', value: 1, step: 0, timestamp: 1 }],
        params: [
          { key: '../escape', value: '1' },
          { key: 'a', value: '1' },
          { key: 'a', value: '1' },
        ],
        tags: [{ key: 'x'.repeat(251), value: '' }],
      }),
      { instanceOf: MlflowError },
    );
    t.is(error.errorCode, 'CLIENT_VALIDATION');
    t.regex(error.message, /f1,score/);
    t.regex(error.message, /\.\.\/escape/);
    t.regex(error.message, /"a" appears twice/);
    t.is(fake.requestsTo('/runs/log-batch').length, 0);
  });
});

test('a param logged again with another value is refused with 400 INVALID_PARAMETER_VALUE; the same value is fine', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    await client.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
    await client.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
    const error = await t.throwsAsync(client.logBatch(runId, { params: [{ key: 'lr', value: '0.2' }] }), {
      instanceOf: MlflowError,
    });
    t.is(error.status, 400);
    t.is(error.errorCode, 'INVALID_PARAMETER_VALUE');
    t.regex(error.detail, /Changing param values is not allowed/);
    t.is(fake.requestsTo('/runs/log-batch').length, 3, 'a 400 is not retried');
    t.is(fake.runs.get(runId)?.params.get('lr'), '0.1');
  });
});

test('set-tag sets (and overwrites) one tag; tags may change, unlike params', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    await client.setTag(runId, 'skillbench.status', 'running');
    await client.setTag(runId, 'skillbench.status', 'finished');
    t.is(fake.runs.get(runId)?.tags.get('skillbench.status'), 'finished');
    t.deepEqual(fake.requestsTo('/runs/set-tag')[1].json, {
      run_id: runId,
      key: 'skillbench.status',
      value: 'finished',
    });
    await t.throwsAsync(client.setTag(runId, 'bad,key', 'x'), { message: /CLIENT_VALIDATION/ });
  });
});

test('NaN and infinite metric values travel as protobuf JSON strings', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const runId = await newRun(fake);
    await client.logBatch(runId, {
      metrics: [
        { key: 'nan', value: Number.NaN, step: 0, timestamp: 1 },
        { key: 'inf', value: Number.POSITIVE_INFINITY, step: 0, timestamp: 1 },
        { key: 'ninf', value: Number.NEGATIVE_INFINITY, step: 0, timestamp: 1 },
      ],
    });
    const sent = (fake.requestsTo('/runs/log-batch')[0].json as { metrics: { value: unknown }[] }).metrics;
    t.deepEqual(
      sent.map((metric) => metric.value),
      ['NaN', 'Infinity', '-Infinity'],
    );
    const back = await client.getRun(runId);
    const values = Object.fromEntries((back.data.metrics ?? []).map((metric) => [metric.key, metric.value]));
    t.true(Number.isNaN(values.nan));
    t.is(values.inf, Number.POSITIVE_INFINITY);
    t.is(values.ninf, Number.NEGATIVE_INFINITY);
  });
});

test('transient failures are retried: 503s, a 429 with Retry-After, dropped connections', async (t) => {
  await withServer(async (fake) => {
    const retries: string[] = [];
    const client = fastClient(fake.url, { onRetry: ({ error }) => retries.push(error.errorCode) });
    const experimentId = await client.createExperiment('retry');

    fake.failNext(2, { kind: 'status', status: 503 });
    t.is((await client.getExperimentByName('retry'))?.experiment_id, experimentId);
    t.deepEqual(
      fake.requestsTo('/get-by-name').map((request) => request.outcome),
      [503, 503, 200],
    );

    fake.failNext(1, { kind: 'status', status: 429, retryAfter: '0' });
    fake.failNext(2, { kind: 'destroy' });
    await client.searchExperiments();
    t.deepEqual(
      fake.requestsTo('/experiments/search').map((request) => request.outcome),
      [429, 'destroyed', 'destroyed', 200],
    );
    t.deepEqual(retries, [
      'TEMPORARILY_UNAVAILABLE',
      'TEMPORARILY_UNAVAILABLE',
      'REQUEST_LIMIT_EXCEEDED',
      'NETWORK_ERROR',
      'NETWORK_ERROR',
    ]);
  });
});

test('retries stop after maxAttempts and the error says how many tries were made', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url, { backoff: { maxAttempts: 3 } });
    fake.failNext(10, { kind: 'status', status: 500 });
    const error = await t.throwsAsync(client.searchExperiments(), { instanceOf: MlflowError });
    t.is(error.status, 500);
    t.is(error.errorCode, 'INTERNAL_ERROR');
    t.is(error.attempts, 3);
    t.is(fake.requests.length, 3);
  });
});

test('4xx answers other than 429 are not retried', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    fake.failNext(1, { kind: 'status', status: 400 });
    const error = await t.throwsAsync(client.searchExperiments(), { instanceOf: MlflowError });
    t.is(error.errorCode, 'INVALID_PARAMETER_VALUE');
    t.is(error.attempts, 1);
    t.is(fake.requests.length, 1);
  });
});

test('a request with no answer within the timeout is retried', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url, { timeoutMs: 400 });
    fake.failNext(1, { kind: 'delay', ms: 10_000 });
    const started = Date.now();
    await client.searchExperiments();
    t.true(Date.now() - started < 5000);
    t.true(fake.requests.length >= 2);
    t.is(fake.requests.at(-1)?.outcome, 200);
  });
});

test('a server that is not there gives NETWORK_ERROR after the bounded retries', async (t) => {
  const fake = await FakeMlflowServer.start();
  const url = fake.url;
  await fake.close();
  const client = fastClient(url, { backoff: { maxAttempts: 2 } });
  const error = await t.throwsAsync(client.searchExperiments(), { instanceOf: MlflowError });
  t.is(error.errorCode, 'NETWORK_ERROR');
  t.is(error.status, 0);
  t.is(error.attempts, 2);
  t.regex(error.message, /ECONNREFUSED/);
});

test('runs/create is not retried blindly (a lost answer may have created the run)', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    const experimentId = await client.createExperiment('once');
    fake.failNext(1, { kind: 'drop-answer' }, '/runs/create');
    const error = await t.throwsAsync(client.createRun({ experimentId, runName: 'x' }), {
      instanceOf: MlflowError,
    });
    t.is(error.errorCode, 'NETWORK_ERROR');
    t.is(fake.requestsTo('/runs/create').length, 1);
    t.is(fake.runsIn(experimentId).length, 1, 'the server did create it');
  });
});

test('bearer auth sends the token; a wrong one is 401 UNAUTHENTICATED and not retried', async (t) => {
  await withServer(
    async (fake) => {
      await fastClient(fake.url, { auth: { kind: 'bearer', token: 's3cret' } }).searchExperiments();
      t.is(fake.requests[0].headers.authorization, 'Bearer s3cret');

      const error = await t.throwsAsync(
        fastClient(fake.url, { auth: { kind: 'bearer', token: 'wrong' } }).searchExperiments(),
        {
          instanceOf: MlflowError,
        },
      );
      t.is(error.status, 401);
      t.is(error.errorCode, 'UNAUTHENTICATED');
      t.is(fake.requests.length, 2);
      t.notRegex(error.message, /wrong/, 'credentials never appear in errors');
    },
    { auth: { token: 's3cret' } },
  );
});

test('basic auth sends base64 user:password', async (t) => {
  await withServer(
    async (fake) => {
      await fastClient(fake.url, {
        auth: { kind: 'basic', username: 'ana', password: 'pä:ss' },
      }).searchExperiments();
      t.is(fake.requests[0].headers.authorization, `Basic ${Buffer.from('ana:pä:ss').toString('base64')}`);
      const error = await t.throwsAsync(fastClient(fake.url).searchExperiments(), {
        instanceOf: MlflowError,
      });
      t.is(error.errorCode, 'UNAUTHENTICATED');
    },
    { auth: { username: 'ana', password: 'pä:ss' } },
  );
});

test('POST bodies go as application/json', async (t) => {
  await withServer(async (fake) => {
    await fastClient(fake.url).createExperiment('json');
    t.is(fake.requestsTo('/experiments/create')[0].headers['content-type'], 'application/json');
    t.deepEqual(fake.requestsTo('/experiments/create')[0].json, { name: 'json' });
  });
});

test('artifacts are PUT under the proxy path of the run', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    await client.uploadArtifact({
      root: '3/abc/artifacts',
      artifactPath: 'predictions/test set.jsonl',
      bytes: Buffer.from('{"id":1}\n'),
    });
    const [request] = fake.requestsTo('test%20set.jsonl');
    t.is(request.method, 'PUT');
    t.is(request.path, '/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/predictions/test%20set.jsonl');
    t.is(request.headers['content-type'], 'application/x-ndjson');
    t.is(fake.artifacts.get('3/abc/artifacts/predictions/test set.jsonl')?.toString(), '{"id":1}\n');

    await t.throwsAsync(
      client.uploadArtifact({ root: '3/abc/artifacts', artifactPath: '../x', bytes: Buffer.from('') }),
      {
        message: /segment/,
      },
    );
  });
});

test('a server without artifact serving answers ARTIFACTS_NOT_SERVED, which is not retried', async (t) => {
  await withServer(
    async (fake) => {
      const error = await t.throwsAsync(
        fastClient(fake.url).uploadArtifact({
          root: '1/r/artifacts',
          artifactPath: 'a.txt',
          bytes: Buffer.from('a'),
        }),
        { instanceOf: MlflowError },
      );
      t.is(error.errorCode, 'ARTIFACTS_NOT_SERVED');
      t.is(error.status, 503);
      t.is(fake.requests.length, 1);
    },
    { serveArtifacts: false },
  );
});
