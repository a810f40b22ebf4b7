import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import type { AnyMethod } from '../../harness/methods/method.ts';
import { getMethod, registerMethod } from '../../harness/methods/registry.ts';
import { ProgressBoard } from '../../harness/runner/progress.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import type { RunSpec } from '../../harness/tracking/types.ts';
import { tempDir } from './tmp.ts';

/** Registers methods once per test process (a test file may be loaded with others). */
export function registerOnce(methods: readonly AnyMethod[]): void {
  for (const method of methods) if (!getMethod(method.name)) registerMethod(method);
}

const binding = (split: 'train' | 'dev' | 'test', limit: number) => ({
  ref: `skillspan:${split}`,
  hash: loadDataset(`skillspan:${split}`).hash,
  limit,
});

export type Limits = { train?: number; dev?: number | null; test: number };

/** A spec as the planner makes it, over the first sentences of the bundled splits (dev null: none). */
export function makeSpec(
  method: string,
  params: Record<string, unknown>,
  key: string,
  limits: Limits = { train: 300, dev: 120, test: 150 },
  file = 'experiments/test.yaml',
): RunSpec {
  return {
    key,
    experiment: `exp-${method}`,
    file,
    method,
    methodVersion: '1',
    params: getMethod(method)!.params.parse(params) as Record<string, unknown>,
    sweepPoint: {},
    seed: 1,
    dataset: {
      ...(limits.train ? { train: binding('train', limits.train) } : {}),
      ...(limits.dev ? { dev: binding('dev', limits.dev) } : {}),
      test: binding('test', limits.test),
    },
    tags: [],
  };
}

/** A store in a fresh folder and the options executeRun takes; `lines` collects the progress output. */
export function runnerSetup(t: ExecutionContext) {
  const dir = tempDir(t);
  const store = new RunStore(join(dir, 'runs.db'));
  t.teardown(() => store.close());
  const lines: string[] = [];
  const sink = { write: (text: string) => lines.push(text), isTTY: false } as unknown as NodeJS.WriteStream;
  const board = new ProgressBoard(sink, { tty: false });
  const options = (signal = new AbortController().signal) => ({
    store,
    signal,
    progress: board.line('test'),
    log: (line: string) => lines.push(line),
  });
  return { dir, store, options, lines };
}
