import { writeFileSync } from 'node:fs';
import test from 'ava';
import { MemorySource } from '../../../harness/tracking/mlflow/memory-source.ts';
import { syncToMlflow } from '../../../harness/tracking/mlflow/sync.ts';
import { sha256 } from '../../../harness/util/hash.ts';
import { FakeMlflowServer } from './fake-server.ts';
import { fastClient, NOTHING_SENT, sampleRun, tempArtifact, withServer } from './helpers.ts';

test('a first sync creates the experiment and the run and sends everything', async (t) => {
  await withServer(async (fake) => {
    const predictions = tempArtifact('predictions/test.jsonl', '{"id":"test:0","spans":[]}\n');
    const source = new MemorySource([sampleRun({ artifacts: [predictions] })]);
    const result = await syncToMlflow(source, fastClient(fake.url));

    t.true(result.ok, JSON.stringify(result.errors));
    t.deepEqual(result.experimentsCreated, ['table2-lexicon']);
    t.is(result.runsCreated, 1);
    t.deepEqual(result.sent, {
      params: 3,
      tags: 4,
      metrics: 4,
      artifacts: 1,
      artifactBytes: predictions.bytes,
      statusUpdates: 1,
      logBatchCalls: 1,
    });

    const experiment = fake.experimentByName('table2-lexicon')!;
    const [run] = fake.runsIn(experiment.experiment_id);
    t.is(run.info.run_name, 'a1b2c3d4e5f6');
    t.is(run.info.status, 'FINISHED');
    t.is(run.info.start_time, Date.parse('2025-01-02T10:00:00.000Z'));
    t.is(run.info.end_time, Date.parse('2025-01-02T10:05:00.000Z'));
    t.deepEqual(Object.fromEntries(run.params), {
      min_frequency: '2',
      case_fold: 'true',
      'optimizer.lr': '0.001',
    });
    t.is(run.tags.get('skillbench.run_key'), 'a1b2c3d4e5f6');
    t.is(run.tags.get('skillbench.status'), 'finished');
    t.is(run.tags.get('skillbench.method'), 'lexicon');
    t.is(run.tags.get('mlflow.source.git.commit'), 'abc123');
    t.deepEqual(
      run.metrics.map((metric) => [metric.key, metric.step, metric.value]),
      [
        ['train.loss', 1, 0.9],
        ['train.loss', 2, 0.5],
        ['test.nervaluate.overall.f1', 0, 0.412],
        ['test.set.SKILL.f1', 0, 0.38],
      ],
    );
    t.is(
      fake.artifacts
        .get(`${experiment.experiment_id}/${run.info.run_id}/artifacts/predictions/test.jsonl`)
        ?.toString(),
      '{"id":"test:0","spans":[]}\n',
    );
    t.deepEqual(source.getMapping('a1b2c3d4e5f6', fake.url)?.sent.artifacts, {
      'predictions/test.jsonl': predictions.sha256,
    });
  });
});

test('syncing the same source twice sends nothing the second time (not even a request)', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([
      sampleRun({ artifacts: [tempArtifact('report.html', '<p>hi</p>')] }),
      sampleRun({ key: 'ffff0000', experiment: 'table2-gliner', status: 'skipped', startedAt: undefined }),
    ]);
    const client = fastClient(fake.url);
    t.true((await syncToMlflow(source, client)).ok);
    const requestsAfterFirst = fake.requests.length;

    const second = await syncToMlflow(source, client);
    t.true(second.ok);
    t.is(second.runsUpToDate, 2);
    t.deepEqual(second.sent, NOTHING_SENT);
    t.deepEqual(second.experimentsCreated, []);
    t.is(second.runsCreated, 0);
    t.is(fake.requests.length, requestsAfterFirst);
  });
});

test('a new metric point is sent alone; a changed status and end time are updated once', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([sampleRun({ status: 'running', finishedAt: undefined })]);
    const client = fastClient(fake.url);
    await syncToMlflow(source, client);
    const runId = source.getMapping('a1b2c3d4e5f6', fake.url)!.runId;
    t.is(fake.runs.get(runId)?.info.status, 'RUNNING');
    t.is(fake.requestsTo('/runs/update').length, 0, 'a new run is already RUNNING');

    source.addMetrics('a1b2c3d4e5f6', { name: 'train.loss', value: 0.3, step: 3, timestamp: 1735812120000 });
    const before = fake.requestsTo('/runs/log-batch').length;
    const second = await syncToMlflow(source, client);
    t.is(second.sent.metrics, 1);
    t.is(second.sent.tags, 0);
    const batches = fake.requestsTo('/runs/log-batch').slice(before);
    t.is(batches.length, 1);
    t.deepEqual(batches[0].json, {
      run_id: runId,
      metrics: [{ key: 'train.loss', value: 0.3, timestamp: 1735812120000, step: 3 }],
      params: [],
      tags: [],
    });

    source.updateRun('a1b2c3d4e5f6', { status: 'finished', finishedAt: '2025-01-02T11:00:00.000Z' });
    const third = await syncToMlflow(source, client);
    t.is(third.sent.statusUpdates, 1);
    t.is(third.sent.tags, 1, 'skillbench.status changes from running to finished');
    t.is(fake.runs.get(runId)?.info.status, 'FINISHED');
    t.is(fake.runs.get(runId)?.info.end_time, Date.parse('2025-01-02T11:00:00.000Z'));
    t.is((await syncToMlflow(source, client)).runsUpToDate, 1);
  });
});

test('a changed param is reported as a conflict and never sent; everything else still goes', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([sampleRun()]);
    const client = fastClient(fake.url);
    await syncToMlflow(source, client);
    const runId = source.getMapping('a1b2c3d4e5f6', fake.url)!.runId;

    source.updateRun('a1b2c3d4e5f6', {
      params: { ...sampleRun().params, min_frequency: '3', new_param: 'x' },
    });
    source.addMetrics('a1b2c3d4e5f6', { name: 'dev.set.overall.f1', value: 0.5, timestamp: 1735812400000 });
    const before = fake.requestsTo('/runs/log-batch').length;
    const result = await syncToMlflow(source, client);

    t.true(result.ok);
    t.deepEqual(result.conflicts, [
      { runKey: 'a1b2c3d4e5f6', param: 'min_frequency', local: '3', mlflow: '2' },
    ]);
    t.is(result.sent.params, 1);
    t.is(result.sent.metrics, 1);
    for (const request of fake.requestsTo('/runs/log-batch').slice(before)) {
      t.false(JSON.stringify(request.json).includes('min_frequency'));
      t.is(request.outcome, 200);
    }
    t.is(fake.runs.get(runId)?.params.get('min_frequency'), '2');
    t.is(fake.runs.get(runId)?.params.get('new_param'), 'x');

    // still reported next time, still not sent
    const again = await syncToMlflow(source, client);
    t.is(again.conflicts.length, 1);
    t.is(again.runsUpToDate, 1);
  });
});

test('a param MLflow already holds with another value (unknown to the mapping) becomes a conflict after one refused batch', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([sampleRun()]);
    const client = fastClient(fake.url);
    await syncToMlflow(source, client);
    const runId = source.getMapping('a1b2c3d4e5f6', fake.url)!.runId;
    fake.runs.get(runId)?.params.set('dropout', '0.5'); // logged by someone else

    source.updateRun('a1b2c3d4e5f6', { params: { ...sampleRun().params, dropout: '0.1', layers: '2' } });
    source.addMetrics('a1b2c3d4e5f6', { name: 'dev.loss', value: 1, step: 1, timestamp: 1 });
    const result = await syncToMlflow(source, client);

    t.true(result.ok, JSON.stringify(result.errors));
    t.deepEqual(result.conflicts, [
      { runKey: 'a1b2c3d4e5f6', param: 'dropout', local: '0.1', mlflow: '0.5' },
    ]);
    t.is(fake.runs.get(runId)?.params.get('layers'), '2');
    t.is(fake.runs.get(runId)?.params.get('dropout'), '0.5');
    t.deepEqual(
      fake
        .requestsTo('/runs/log-batch')
        .slice(-2)
        .map((request) => request.outcome),
      [400, 200],
    );
    t.deepEqual((await syncToMlflow(source, client)).conflicts.length, 1);
  });
});

test('progress is saved after each log-batch call: a sync that fails half-way resumes without duplicates', async (t) => {
  await withServer(async (fake) => {
    const metrics = Array.from({ length: 2500 }, (_, i) => ({
      name: 'train.loss',
      value: i,
      step: i,
      timestamp: 1000 + i,
    }));
    const source = new MemorySource([sampleRun({ metrics })]);
    const client = fastClient(fake.url);
    // the second log-batch call fails for good (a 400 is never retried)
    let calls = 0;
    const original = client.http.request.bind(client.http);
    client.http.request = (spec) => {
      if (spec.path.endsWith('/runs/log-batch') && ++calls === 2)
        fake.failNext(1, { kind: 'status', status: 400 });
      return original(spec);
    };
    const first = await syncToMlflow(source, client);
    t.false(first.ok);
    t.is(first.sent.logBatchCalls, 1);
    // the first call carries the 3 params and 4 tags (skillbench.run_key went with runs/create)
    t.is(first.sent.metrics, 1000 - 3 - 4);

    const second = await syncToMlflow(source, fastClient(fake.url));
    t.true(second.ok);
    const run = fake.runs.get(source.getMapping('a1b2c3d4e5f6', fake.url)!.runId)!;
    t.is(run.metrics.length, 2500);
    t.is(new Set(run.metrics.map((metric) => metric.step)).size, 2500);
  });
});

test('the server being down is reported, never thrown, and bounded in time', async (t) => {
  const fake = await FakeMlflowServer.start();
  const url = fake.url;
  await fake.close();
  const source = new MemorySource([sampleRun(), sampleRun({ key: 'second' }), sampleRun({ key: 'third' })]);
  const started = Date.now();
  const result = await syncToMlflow(source, fastClient(url));
  t.true(Date.now() - started < 2000);
  t.false(result.ok);
  t.true(result.unreachable);
  t.is(result.errors.length, 2);
  t.is(result.errors[0].errorCode, 'NETWORK_ERROR');
  t.regex(result.errors[1].message, /2 more run\(s\) not mirrored/);
  t.is(source.getMapping('a1b2c3d4e5f6', url), undefined);
});

test('an experiment created by someone else between lookup and create is used, not duplicated', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    await client.createExperiment('table2-lexicon');
    // the lookup misses it (created "just after"), so the sync tries to create it and hears RESOURCE_ALREADY_EXISTS
    fake.failNext(1, { kind: 'status', status: 404 }, '/experiments/get-by-name');
    const result = await syncToMlflow(new MemorySource([sampleRun()]), client);
    t.true(result.ok, JSON.stringify(result.errors));
    t.deepEqual(result.experimentsCreated, []);
    t.deepEqual(
      fake.requestsTo('/experiments/create').map((request) => request.outcome),
      [200, 400],
    );
    t.is(
      [...fake.experiments.values()].filter((experiment) => experiment.name === 'table2-lexicon').length,
      1,
    );
  });
});

test('a lost runs/create answer does not create a second run', async (t) => {
  await withServer(async (fake) => {
    fake.failNext(1, { kind: 'drop-answer' }, '/runs/create');
    const source = new MemorySource([sampleRun()]);
    const result = await syncToMlflow(source, fastClient(fake.url));
    t.true(result.ok, JSON.stringify(result.errors));
    t.is(fake.requestsTo('/runs/create').length, 1);
    t.is(fake.runs.size, 1);
    t.is(result.runsCreated, 1);
    const run = [...fake.runs.values()][0];
    t.is(source.getMapping('a1b2c3d4e5f6', fake.url)?.runId, run.info.run_id);
    t.is(run.params.size, 3);
  });
});

test('a run MLflow has but the store lost the mapping for is found by run key, not duplicated', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([sampleRun()]);
    await syncToMlflow(source, fastClient(fake.url));
    source.forgetMapping('a1b2c3d4e5f6', fake.url);
    source.updateRun('a1b2c3d4e5f6', { params: { ...sampleRun().params, case_fold: 'false' } });

    const result = await syncToMlflow(source, fastClient(fake.url));
    t.true(result.ok, JSON.stringify(result.errors));
    t.is(result.runsAdopted, 1);
    t.is(result.runsCreated, 0);
    t.is(fake.runs.size, 1);
    t.deepEqual(
      result.conflicts.map((conflict) => conflict.param),
      ['case_fold'],
    );
    t.is(result.sent.params, 0);
  });
});

test('a run deleted for good in MLflow is created again from the store', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([sampleRun({ status: 'running', finishedAt: undefined })]);
    const client = fastClient(fake.url);
    await syncToMlflow(source, client);
    const oldId = source.getMapping('a1b2c3d4e5f6', fake.url)!.runId;
    fake.purgeRun(oldId);
    source.updateRun('a1b2c3d4e5f6', { status: 'finished', finishedAt: '2025-01-02T10:05:00.000Z' });

    const result = await syncToMlflow(source, client);
    t.true(result.ok, JSON.stringify(result.errors));
    const newId = source.getMapping('a1b2c3d4e5f6', fake.url)!.runId;
    t.not(newId, oldId);
    const run = fake.runs.get(newId)!;
    t.is(run.metrics.length, 4);
    t.is(run.params.size, 3);
    t.is(run.info.status, 'FINISHED');
  });
});

test('a deleted MLflow experiment gives a clear error for its runs', async (t) => {
  await withServer(async (fake) => {
    const client = fastClient(fake.url);
    fake.deleteExperiment(await client.createExperiment('table2-lexicon'));
    const result = await syncToMlflow(new MemorySource([sampleRun(), sampleRun({ key: 'other' })]), client);
    t.false(result.ok);
    t.false(result.unreachable);
    t.is(result.errors.length, 2);
    t.regex(result.errors[0].message, /is deleted; restore it/);
    t.is(fake.requestsTo('/experiments/get-by-name').length, 1, 'looked up once per sync');
  });
});

test('artifacts: a changed file is uploaded again, an edited-behind-our-back file is refused, a non-proxying server is reported', async (t) => {
  await withServer(async (fake) => {
    const artifact = tempArtifact('report.md', 'v1');
    const source = new MemorySource([sampleRun({ artifacts: [artifact] })]);
    const client = fastClient(fake.url);
    await syncToMlflow(source, client);

    writeFileSync(artifact.localPath, 'v2');
    source.updateRun('a1b2c3d4e5f6', { artifacts: [{ ...artifact, sha256: sha256('v2'), bytes: 2 }] });
    const changed = await syncToMlflow(source, client);
    t.is(changed.sent.artifacts, 1);
    t.is([...fake.artifacts.values()].map(String).join(), 'v2');

    writeFileSync(artifact.localPath, 'tampered');
    source.updateRun('a1b2c3d4e5f6', { artifacts: [{ ...artifact, sha256: sha256('v3'), bytes: 2 }] });
    const tampered = await syncToMlflow(source, client);
    t.false(tampered.ok);
    t.regex(tampered.errors[0].message, /changed since the store recorded it/);
  });

  await withServer(
    async (fake) => {
      const source = new MemorySource([sampleRun({ artifacts: [tempArtifact('a.txt', 'a')] })]);
      const result = await syncToMlflow(source, fastClient(fake.url));
      t.true(result.ok, 'metrics and params still go');
      t.is(result.sent.metrics, 4);
      t.is(result.skipped.length, 1);
      t.regex(result.skipped[0].reason, /--serve-artifacts/);
      t.is(fake.requestsTo('a.txt').length, 1, 'a 503 that means "not configured" is not retried');
      t.deepEqual(source.getMapping('a1b2c3d4e5f6', fake.url)?.sent.artifacts, {});
    },
    { serveArtifacts: false },
  );
});

test('bad metric names and long params are reported, the rest is sent', async (t) => {
  await withServer(async (fake) => {
    const run = sampleRun({ params: { prompt: 'p'.repeat(7000), ok: '1' } });
    run.metrics.push(
      { name: 'test.f1 (micro)', value: 1, timestamp: 1 },
      { name: 'test.f1 (micro)', value: 2, timestamp: 2 },
    );
    const source = new MemorySource([run]);
    const client = fastClient(fake.url);
    const result = await syncToMlflow(source, client);
    t.true(result.ok);
    t.is(result.sent.metrics, 4);
    t.deepEqual(
      result.skipped.map((item) => [item.kind, item.name]),
      [['metric', 'test.f1 (micro)']],
    );
    t.regex(result.skipped[0].reason, /2 points/);
    t.deepEqual(result.truncated, [
      { runKey: 'a1b2c3d4e5f6', kind: 'param', name: 'prompt', from: 7000, to: 6000 },
    ]);

    const again = await syncToMlflow(source, client);
    t.deepEqual(again.truncated, [], 'truncation is reported when the value is sent');
    t.deepEqual(again.conflicts, [], 'the truncated value is what MLflow has');
    t.is(again.runsUpToDate, 1);
  });
});

test('--experiment and a run key select what is synced', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([
      sampleRun(),
      sampleRun({ key: 'b', experiment: 'other' }),
      sampleRun({ key: 'c', experiment: 'other' }),
    ]);
    const client = fastClient(fake.url);
    t.is((await syncToMlflow(source, client, { experiment: 'other' })).runsCreated, 2);
    t.is((await syncToMlflow(source, client, { runKey: 'a1b2c3d4e5f6' })).runsCreated, 1);
    t.deepEqual([...fake.experiments.values()].map((experiment) => experiment.name).sort(), [
      'Default',
      'other',
      'table2-lexicon',
    ]);
  });
});

test('a store that fails to list runs is reported, not thrown', async (t) => {
  const result = await syncToMlflow(
    {
      listRuns: () => {
        throw new Error('database is locked');
      },
      getMapping: () => undefined,
      setMapping: () => {},
    },
    fastClient('http://127.0.0.1:9'),
  );
  t.false(result.ok);
  t.regex(result.errors[0].message, /database is locked/);
});

test('a mapping stored with an empty sent state ({}) is completed, not a crash', async (t) => {
  await withServer(async (fake) => {
    const source = new MemorySource([sampleRun()]);
    const client = fastClient(fake.url);
    await syncToMlflow(source, client);
    const mapping = source.getMapping('a1b2c3d4e5f6', fake.url)!;
    source.setMapping('a1b2c3d4e5f6', fake.url, { ...mapping, sent: {} as never });
    const result = await syncToMlflow(source, client);
    t.true(result.ok, JSON.stringify(result.errors));
    t.is(result.conflicts.length, 0, 'params resent with the same values are accepted');
  });
});
