import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sentence } from '../../harness/data/types.ts';
import type { PredictContext, TrainContext } from '../../harness/methods/method.ts';
import { scoreSplit } from '../../harness/runner/score-split.ts';

export interface RecordedMetric {
  name: string;
  value: number;
  step?: number;
}

/** A TrainContext over the given sentences that records metrics, as the runner would build it. */
export function fakeTrainContext<P>(
  params: P,
  train: Sentence[],
  dev: Sentence[],
  options: {
    seed?: number;
    artifactDir?: string;
    signal?: AbortSignal;
    onMetric?: (m: RecordedMetric) => void;
  } = {},
): TrainContext<P> & { metrics: RecordedMetric[]; environment: Record<string, unknown> } {
  const metrics: RecordedMetric[] = [];
  const environment: Record<string, unknown> = {};
  return {
    params,
    seed: options.seed ?? 3477689,
    runKey: 'test',
    baseDir: process.cwd(),
    artifactDir: options.artifactDir ?? mkdtempSync(join(tmpdir(), 'bert-tagger-')),
    tracker: {
      logMetric: (name, value, step) => {
        const metric = { name, value, step };
        metrics.push(metric);
        options.onMetric?.(metric);
      },
      logParam: () => {},
    },
    cache: { get: () => undefined, set: () => {} },
    progress: { start: () => {}, advance: () => {}, status: () => {} },
    signal: options.signal ?? new AbortController().signal,
    log: () => {},
    recordEnvironment: (facts) => Object.assign(environment, facts),
    train,
    dev,
    scoreDev: (predictions) => scoreSplit(dev, predictions).metrics,
    metrics,
    environment,
  };
}

export function predictContext<P>(train: TrainContext<P>, sentences: Sentence[]): PredictContext<P> {
  return { ...train, split: 'test', splitSentences: sentences, status: () => {} };
}
