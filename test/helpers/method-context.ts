import type { Sentence } from '../../harness/data/types.ts';
import type { MethodContext, PredictContext, Progress, TrainContext } from '../../harness/methods/method.ts';
import { scoreSplit } from '../../harness/runner/score-split.ts';

export interface Recorded {
  metrics: { name: string; value: number; step?: number }[];
  params: Record<string, string | number | boolean>;
  logs: string[];
}

const noProgress: Progress = { start: () => {}, advance: () => {}, status: () => {} };

/** The contexts the runner builds, over given data, recording what the method logs. */
export function methodContexts<P>(
  params: P,
  options: { artifactDir: string; baseDir?: string; train?: Sentence[]; dev?: Sentence[] },
) {
  const recorded: Recorded = { metrics: [], params: {}, logs: [] };
  const base: MethodContext<P> = {
    params,
    seed: 1,
    runKey: 'test',
    baseDir: options.baseDir ?? process.cwd(),
    artifactDir: options.artifactDir,
    tracker: {
      logMetric: (name, value, step) => recorded.metrics.push({ name, value, step }),
      logParam: (name, value) => {
        recorded.params[name] = value;
      },
    },
    cache: { get: () => undefined, set: () => {} },
    signal: new AbortController().signal,
    log: (message) => recorded.logs.push(message),
    recordEnvironment: () => {},
  };
  const dev = options.dev ?? [];
  const train: TrainContext<P> = {
    ...base,
    train: options.train ?? [],
    dev,
    progress: noProgress,
    scoreDev: (predictions) => scoreSplit(dev, predictions).metrics,
  };
  const predict = (split: 'dev' | 'test', splitSentences: Sentence[]): PredictContext<P> => ({
    ...base,
    split,
    splitSentences,
    status: () => {},
  });
  return { recorded, train, load: { ...base, progress: noProgress }, predict };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
