/**
 * The runner's side of the Method contract, with methods written for it: the model train()
 * returns (or load() rebuilds) reaches predict() typed; load() runs only when something is left
 * to predict, and in a later process; dispose() runs once; predictsSplits is honoured; progress is
 * counted from the yielded predictions; a missing or foreign prediction fails the run.
 */
import test from 'ava';
import { z } from 'zod';
import type { Sentence } from '../../harness/data/types.ts';
import type { Method } from '../../harness/methods/method.ts';
import { executeRun } from '../../harness/runner/execute-run.ts';
import { makeSpec, registerOnce, runnerSetup } from '../helpers/runner.ts';

interface Model {
  from: 'train' | 'load';
  serial: number;
}

/** What the contract methods were asked to do, in order. */
const calls: string[] = [];
let serial = 0;

const params = z.strictObject({
  /** stop (abort) after this many test predictions, to simulate Ctrl-C */
  stop_after: z.number().int().optional(),
  /** leave out the last sentence of each call */
  skip_last: z.boolean().default(false),
  /** yield a prediction for a sentence that was not asked for */
  foreign: z.boolean().default(false),
  test_only: z.boolean().default(false),
});
type Params = z.infer<typeof params>;

let abort: AbortController | undefined;

const trained: Method<Params, Model> = {
  name: 'contract-trained',
  version: '1',
  params,
  predictsSplits: (p) => (p.test_only ? ['test'] : ['dev', 'test']),
  async train(ctx) {
    calls.push('train');
    ctx.progress.start('train', 1);
    return { from: 'train', serial: ++serial };
  },
  load() {
    calls.push('load');
    return { from: 'load', serial: ++serial };
  },
  dispose(model) {
    calls.push(`dispose ${model.from} ${model.serial}`);
  },
  async *predict(ctx, sentences, model) {
    calls.push(`predict ${ctx.split} ${sentences.length} with ${model.from} ${model.serial}`);
    const asked: readonly Sentence[] = ctx.params.skip_last ? sentences.slice(0, -1) : sentences;
    let count = 0;
    for (const sentence of asked) {
      yield { id: sentence.id, spans: sentence.spans };
      if (ctx.split === 'test' && ++count === ctx.params.stop_after) abort?.abort();
    }
    if (ctx.params.foreign) yield { id: 'test:999999', spans: [] };
  },
};

registerOnce([trained]);

const LIMITS = { train: 20, dev: 15, test: 25 };

test.serial('train hands its model to every predict of the run, and dispose gets it once', async (t) => {
  calls.length = 0;
  const { store, options, lines } = runnerSetup(t);
  const spec = makeSpec('contract-trained', {}, 'handover', LIMITS);
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'finished', outcome.message);
  const n = serial;
  t.deepEqual(calls, [
    'train',
    `predict dev 15 with train ${n}`,
    `predict test 25 with train ${n}`,
    `dispose train ${n}`,
  ]);
  // progress is the runner's: the method never advanced it, yet the test phase reached 25/25
  t.true(
    lines.some((line) => /predict test .*25\/25 sent/.test(line)),
    lines.join(''),
  );
});

test.serial(
  'after an interruption, load() rebuilds the model in the resumed run, only for what is left',
  async (t) => {
    calls.length = 0;
    const { store, options } = runnerSetup(t);
    const spec = makeSpec('contract-trained', { stop_after: 10 }, 'resume', LIMITS);
    store.upsertExperiment({ name: spec.experiment, method: spec.method });
    abort = new AbortController();
    const first = await executeRun(spec, options(abort.signal));
    abort = undefined;
    t.is(first.status, 'interrupted');
    const resumed = await executeRun(spec, options());
    t.is(resumed.status, 'finished', resumed.message);
    const n = serial;
    t.deepEqual(calls, [
      'train',
      `predict dev 15 with train ${n - 1}`,
      `predict test 25 with train ${n - 1}`,
      `dispose train ${n - 1}`,
      // trained.json says training finished: no second train, the model is loaded
      'load',
      `predict test 14 with load ${n}`, // 11 were kept: the one yielded as Ctrl-C came too
      `dispose load ${n}`,
    ]);
    t.is(store.predictions(resumed.run.id, 'test').length, 25);
  },
);

test.serial('nothing left to predict: no load (a run that only needs scoring again)', async (t) => {
  calls.length = 0;
  const { store, options } = runnerSetup(t);
  const spec = makeSpec('contract-trained', {}, 'rescore', LIMITS);
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  await executeRun(spec, options());
  calls.length = 0;
  // unfinished in the store (as if scoring had failed), predictions all on disk
  store.updateRun(store.findRunByKey(spec.key)!.id, { status: 'failed' });
  const again = await executeRun(spec, options());
  t.is(again.status, 'finished');
  t.deepEqual(calls, []);
});

test.serial('predictsSplits: the dev split is left out when the method says so', async (t) => {
  calls.length = 0;
  const { store, options } = runnerSetup(t);
  const spec = makeSpec('contract-trained', { test_only: true }, 'test-only', LIMITS);
  store.upsertExperiment({ name: spec.experiment, method: spec.method });
  const outcome = await executeRun(spec, options());
  t.is(outcome.status, 'finished');
  t.deepEqual(
    calls.filter((call) => call.startsWith('predict')),
    [`predict test 25 with train ${serial}`],
  );
  t.false(Object.keys(store.summaryMetrics(outcome.run.id)).some((name) => name.startsWith('dev.')));
});

test.serial('a missing prediction or one for a sentence not asked for fails the run', async (t) => {
  const { store, options } = runnerSetup(t);
  for (const [key, p, message] of [
    ['missing', { skip_last: true }, /gave no prediction for 1 dev sentences \(first: dev:14\)/],
    ['foreign', { foreign: true }, /test:999999/],
  ] as const) {
    const spec = makeSpec('contract-trained', p, key, LIMITS);
    store.upsertExperiment({ name: spec.experiment, method: spec.method });
    const outcome = await executeRun(spec, options());
    t.is(outcome.status, 'failed');
    t.regex(outcome.message ?? '', message);
  }
});
