import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { skillLlmMethod } from '../../baselines/skill-llm/method.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { getMethod, registerMethod } from '../../harness/methods/registry.ts';
import { executeRun } from '../../harness/runner/execute-run.ts';
import { ProgressBoard } from '../../harness/runner/progress.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import type { RunSpec } from '../../harness/tracking/types.ts';
import { tempDir } from '../helpers/tmp.ts';

if (!getMethod('skill-llm')) registerMethod(skillLlmMethod);

const binding = (split: 'train' | 'dev' | 'test', limit: number) => ({
  ref: `skillspan:${split}`,
  hash: loadDataset(`skillspan:${split}`).hash,
  limit,
});

export interface Limits {
  train: number;
  dev: number;
  test: number;
}

/** A skill-llm run spec (experiment file in dir, so relative params resolve there). */
export function skillLlmSpec(
  dir: string,
  params: Record<string, unknown>,
  key: string,
  limits: Limits,
): RunSpec {
  return {
    key,
    experiment: 'skill-llm-test',
    file: join(dir, 'experiment.yaml'),
    method: 'skill-llm',
    methodVersion: '1',
    params: skillLlmMethod.params.parse(params) as Record<string, unknown>,
    sweepPoint: {},
    seed: 1,
    dataset: {
      train: binding('train', limits.train),
      dev: limits.dev > 0 ? binding('dev', limits.dev) : undefined,
      test: binding('test', limits.test),
    },
    tags: [],
  };
}

/** A store in a temporary folder and a runner that executes specs against it. */
export function runnerFor(t: ExecutionContext) {
  const dir = tempDir(t);
  const store = new RunStore(join(dir, 'runs.db'));
  t.teardown(() => store.close());
  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  const board = new ProgressBoard(sink, { tty: false });
  const log: string[] = [];
  const run = async (spec: RunSpec) => {
    store.upsertExperiment({ name: spec.experiment, method: spec.method });
    return executeRun(spec, {
      store,
      signal: new AbortController().signal,
      progress: board.line('test'),
      log: (message) => log.push(message),
    });
  };
  return { dir, store, run, log };
}
