import { randomBytes } from 'node:crypto';
import test from 'ava';
import { MlflowClient } from '../../../harness/tracking/mlflow/client.ts';
import { readMlflowConfig } from '../../../harness/tracking/mlflow/config.ts';
import { MlflowError } from '../../../harness/tracking/mlflow/errors.ts';
import { MemorySource } from '../../../harness/tracking/mlflow/memory-source.ts';
import { syncToMlflow } from '../../../harness/tracking/mlflow/sync.ts';
import { NOTHING_SENT, sampleRun, tempArtifact } from './helpers.ts';

/**
 * Runs against a real MLflow tracking server when MLFLOW_TRACKING_URI is set, e.g.
 *   mlflow server --host 127.0.0.1 --port 5000 --serve-artifacts &
 *   MLFLOW_TRACKING_URI=http://127.0.0.1:5000 npx ava test/tracking/mlflow/real-server.test.ts
 * Each run creates a new, uniquely named experiment (skillbench-test-...) on that server.
 */

const title = 'mirrors a run to a real MLflow server and reads it back';
let config: ReturnType<typeof readMlflowConfig>;
let skipReason = 'MLFLOW_TRACKING_URI is not set';
try {
  config = readMlflowConfig();
} catch (error) {
  skipReason = (error as Error).message;
}

if (config) {
  test(title, async (t) => {
    const client = MlflowClient.fromConfig(config, { timeoutMs: 30_000 });
    const version = await fetch(`${config.trackingUri}/version`).then(
      (response) => (response.ok ? response.text() : 'unknown'),
      () => 'unknown',
    );
    t.log(`MLflow server ${config.trackingUri}, version ${version}`);

    const key = randomBytes(8).toString('hex');
    const experiment = `skillbench-test-${new Date().toISOString().replace(/[:.]/g, '-')}-${key.slice(0, 4)}`;
    const artifact = tempArtifact('predictions/test.jsonl', '{"id":"test:0","spans":[]}\n');
    const source = new MemorySource([sampleRun({ key, experiment, artifacts: [artifact] })]);

    const first = await syncToMlflow(source, client);
    t.true(first.ok, JSON.stringify(first.errors));
    t.deepEqual(first.experimentsCreated, [experiment]);
    t.is(first.runsCreated, 1);
    if (first.skipped.length > 0)
      t.log(`artifacts not uploaded: ${first.skipped.map((item) => item.reason).join('; ')}`);

    const mapping = source.getMapping(key, client.trackingUri)!;
    const run = await client.getRun(mapping.runId);
    t.is(run.info.run_name, key);
    t.is(run.info.status, 'FINISHED');
    t.is(run.info.end_time, Date.parse('2025-01-02T10:05:00.000Z'));
    const params = Object.fromEntries((run.data.params ?? []).map((param) => [param.key, param.value]));
    t.deepEqual(params, { min_frequency: '2', case_fold: 'true', 'optimizer.lr': '0.001' });
    const tags = Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
    t.is(tags['skillbench.run_key'], key);
    t.is(tags['mlflow.runName'], key);
    const metrics = Object.fromEntries((run.data.metrics ?? []).map((metric) => [metric.key, metric]));
    t.is(metrics['train.loss'].value, 0.5);
    t.is(metrics['train.loss'].step, 2);
    t.is(metrics['test.nervaluate.overall.f1'].value, 0.412);

    const second = await syncToMlflow(source, client);
    t.true(second.ok);
    t.is(second.runsUpToDate, 1);
    t.deepEqual(second.sent, NOTHING_SENT);

    // the server's own rules, which the fake server imitates
    const changed = await t.throwsAsync(
      client.logBatch(mapping.runId, { params: [{ key: 'min_frequency', value: '3' }] }),
      {
        instanceOf: MlflowError,
      },
    );
    t.is(changed.status, 400);
    t.is(changed.errorCode, 'INVALID_PARAMETER_VALUE');
    const list = await t.throwsAsync(
      client.http.request({ method: 'GET', path: '/api/2.0/mlflow/experiments/list' }),
      {
        instanceOf: MlflowError,
      },
    );
    t.is(list.status, 404);
    t.is(await client.getExperimentByName(`${experiment}-missing`), undefined);
  });
} else {
  console.log(
    `real MLflow server test skipped (${skipReason}); set MLFLOW_TRACKING_URI=http://host:port to run "${title}"`,
  );
  test.skip(`${title} (skipped: ${skipReason})`, () => {});
}
