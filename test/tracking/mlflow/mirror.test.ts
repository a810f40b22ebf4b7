import test from 'ava';
import { MemorySource } from '../../../harness/tracking/mlflow/memory-source.ts';
import { mirrorRunIfConfigured } from '../../../harness/tracking/mlflow/mirror.ts';
import { FakeMlflowServer } from './fake-server.ts';
import { sampleRun } from './helpers.ts';

test('without MLFLOW_TRACKING_URI the mirror is off and sends nothing', async (t) => {
  const lines: string[] = [];
  const outcome = await mirrorRunIfConfigured(new MemorySource([sampleRun()]), 'a1b2c3d4e5f6', {
    env: {},
    log: (line) => lines.push(line),
  });
  t.deepEqual(outcome, { state: 'off' });
  t.deepEqual(lines, []);
});

test('mirrors just the finished run', async (t) => {
  const fake = await FakeMlflowServer.start();
  try {
    const source = new MemorySource([sampleRun(), sampleRun({ key: 'not-this-one' })]);
    const outcome = await mirrorRunIfConfigured(source, 'a1b2c3d4e5f6', {
      env: { MLFLOW_TRACKING_URI: `${fake.url}/` },
    });
    t.is(outcome.state, 'mirrored');
    t.is(fake.runs.size, 1);
    t.truthy(
      source.getMapping('a1b2c3d4e5f6', fake.url),
      'the mapping is keyed by the normalised tracking URI',
    );
    t.is(source.getMapping('not-this-one', fake.url), undefined);
  } finally {
    await fake.close();
  }
});

test('a misconfigured URI is reported, not thrown', async (t) => {
  const lines: string[] = [];
  const outcome = await mirrorRunIfConfigured(new MemorySource([sampleRun()]), 'a1b2c3d4e5f6', {
    env: { MLFLOW_TRACKING_URI: 'file:./mlruns' },
    log: (line) => lines.push(line),
  });
  t.is(outcome.state, 'failed');
  t.regex(lines[0], /http:\/\/ or https:\/\//);
  t.regex(lines[0], /the local run is unaffected/);
});

test('a server that is down fails fast and quietly', async (t) => {
  const fake = await FakeMlflowServer.start();
  const url = fake.url;
  await fake.close();
  const lines: string[] = [];
  const started = Date.now();
  const outcome = await mirrorRunIfConfigured(new MemorySource([sampleRun()]), 'a1b2c3d4e5f6', {
    env: { MLFLOW_TRACKING_URI: url },
    log: (line) => lines.push(line),
  });
  t.true(Date.now() - started < 5000);
  t.is(outcome.state, 'failed');
  t.is(lines.length, 1);
  t.regex(lines[0], /ECONNREFUSED/);
});

test('a server that never answers costs at most the time budget', async (t) => {
  const fake = await FakeMlflowServer.start();
  try {
    fake.failNext(100, { kind: 'delay', ms: 60_000 });
    const started = Date.now();
    const outcome = await mirrorRunIfConfigured(new MemorySource([sampleRun()]), 'a1b2c3d4e5f6', {
      env: { MLFLOW_TRACKING_URI: fake.url },
      timeoutMs: 500,
      log: () => {},
    });
    t.true(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    t.is(outcome.state, 'failed');
  } finally {
    await fake.close();
  }
});

test('a store that throws is reported, not thrown', async (t) => {
  const outcome = await mirrorRunIfConfigured(
    {
      listRuns: () => {
        throw new Error('disk I/O error');
      },
      getMapping: () => undefined,
      setMapping: () => {},
    },
    'k',
    { env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' }, log: () => {} },
  );
  t.is(outcome.state, 'failed');
  t.regex(outcome.state === 'failed' ? outcome.message : '', /disk I\/O error/);
});
