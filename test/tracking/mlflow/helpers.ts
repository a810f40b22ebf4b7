import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient, type MlflowClientOptions } from '../../../harness/tracking/mlflow/client.ts';
import type { SourceArtifact, SourceRun } from '../../../harness/tracking/mlflow/source.ts';
import { sha256 } from '../../../harness/util/hash.ts';
import { FakeMlflowServer } from './fake-server.ts';

/** A client with millisecond backoff and no randomness, so retry tests are fast and deterministic. */
export function fastClient(trackingUri: string, options: Partial<MlflowClientOptions> = {}): MlflowClient {
  return new MlflowClient({
    trackingUri,
    timeoutMs: 2000,
    ...options,
    backoff: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, random: () => 0.5, ...options.backoff },
  });
}

/** A finished run like the runner records: params, tags, a learning curve and final numbers. */
export function sampleRun(overrides: Partial<SourceRun> = {}): SourceRun {
  return {
    key: 'a1b2c3d4e5f6',
    experiment: 'table2-lexicon',
    status: 'finished',
    startedAt: '2025-01-02T10:00:00.000Z',
    finishedAt: '2025-01-02T10:05:00.000Z',
    params: { min_frequency: '2', case_fold: 'true', 'optimizer.lr': '0.001' },
    tags: { 'skillbench.method': 'lexicon', 'skillbench.seed': '1', 'mlflow.source.git.commit': 'abc123' },
    metrics: [
      { name: 'train.loss', value: 0.9, step: 1, timestamp: 1735812000000 },
      { name: 'train.loss', value: 0.5, step: 2, timestamp: 1735812060000 },
      { name: 'test.nervaluate.overall.f1', value: 0.412, timestamp: 1735812300000 },
      { name: 'test.set.SKILL.f1', value: 0.38, timestamp: 1735812300000 },
    ],
    artifacts: [],
    ...overrides,
  };
}

/** Writes a file in a fresh temp folder and describes it as a run artifact. */
export function tempArtifact(artifactPath: string, content: string): SourceArtifact {
  const dir = mkdtempSync(join(tmpdir(), 'skillbench-mlflow-'));
  const localPath = join(dir, artifactPath.replaceAll('/', '_'));
  writeFileSync(localPath, content);
  return { localPath, artifactPath, sha256: sha256(content), bytes: Buffer.byteLength(content) };
}

/** Runs `run` against a fresh fake MLflow server, closed afterwards whatever happens. */
export async function withServer(
  run: (fake: FakeMlflowServer) => Promise<void>,
  options?: Parameters<typeof FakeMlflowServer.start>[0],
): Promise<void> {
  const fake = await FakeMlflowServer.start(options);
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

/** A sync result's `sent` block when nothing was sent. */
export const NOTHING_SENT = {
  params: 0,
  tags: 0,
  metrics: 0,
  artifacts: 0,
  artifactBytes: 0,
  statusUpdates: 0,
  logBatchCalls: 0,
};
