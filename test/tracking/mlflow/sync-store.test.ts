import test from 'ava';
import { MlflowConfigError } from '../../../harness/tracking/mlflow/config.ts';
import { MemorySource } from '../../../harness/tracking/mlflow/memory-source.ts';
import { syncStoreToMlflow } from '../../../harness/tracking/mlflow/sync-store.ts';
import { FakeMlflowServer } from './fake-server.ts';
import { sampleRun } from './helpers.ts';

test('skillbench mlflow sync prints what it sent and closes the store', async (t) => {
  const fake = await FakeMlflowServer.start();
  try {
    const lines: string[] = [];
    let closed = false;
    const source = Object.assign(new MemorySource([sampleRun()]), { close: () => (closed = true) });
    const result = await syncStoreToMlflow(
      { storePath: 'runs.db', experiment: 'table2-lexicon' },
      { env: { MLFLOW_TRACKING_URI: fake.url }, openSource: () => source, write: (line) => lines.push(line) },
    );
    t.true(result.ok);
    t.true(closed);
    t.regex(lines[0], new RegExp(`^MLflow sync to ${fake.url}`));
    t.true(lines.some((line) => /1 created in MLflow/.test(line)));
    t.true(lines.some((line) => /experiments created: table2-lexicon/.test(line)));
    t.true(
      lines.some((line) =>
        /sent: 3 params, 4 tags, 4 metric points \(1 log-batch calls\), 0 artifacts \(0 B\), 1 status updates/.test(
          line,
        ),
      ),
    );
  } finally {
    await fake.close();
  }
});

test('skillbench mlflow sync without MLFLOW_TRACKING_URI is a configuration error', async (t) => {
  await t.throwsAsync(
    syncStoreToMlflow({ storePath: 'runs.db' }, { env: {}, openSource: () => t.fail() as never }),
    {
      instanceOf: MlflowConfigError,
      message: /MLFLOW_TRACKING_URI is not set/,
    },
  );
});
