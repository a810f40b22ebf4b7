import { join } from 'node:path';
import test from 'ava';
import type { LoadedExperiment } from '../../harness/experiments/load.ts';
import { expandExperiment, planRuns } from '../../harness/experiments/plan.ts';
import { InputError } from '../../harness/util/errors.ts';
import { load, registerFixtureMethods, skillspanJsonl, writeFiles } from './helpers.ts';

registerFixtureMethods();

/** Small local splits so that plans do not read the bundled SkillSpan files. */
const DATA = {
  'data/train.jsonl': skillspanJsonl(5),
  'data/dev.jsonl': skillspanJsonl(4),
  'data/test.jsonl': skillspanJsonl(3),
};
const DATASET = 'dataset: {train: data/train.jsonl, dev: data/dev.jsonl, test: data/test.jsonl}';

async function loaded(t: Parameters<typeof writeFiles>[0], yaml: string, extra: Record<string, string> = {}) {
  const dir = writeFiles(t, { 'x.yaml': yaml, ...DATA, ...extra });
  const result = await load(dir);
  t.deepEqual(result.lines, [], 'the fixture loads without problems');
  return result.experiments;
}

const TAGGER = ['name: tagger', 'method: xt-tagger', DATASET, 'params:', '  model: m', '  lr: 0.01'];

test('sweep x seeds: the cartesian product, first sweep key slowest, seeds innermost', async (t) => {
  const experiments = await loaded(
    t,
    [
      ...TAGGER,
      'seeds: [1, 2]',
      'sweep:',
      '  lr: [0.1, 0.2, 0.3]',
      '  optimizer.name: [adamw, sgd]',
      '',
    ].join('\n'),
  );
  const plan = planRuns(experiments);
  t.is(plan.runs.length, 3 * 2 * 2);
  t.deepEqual(plan.runs[0].sweepPoint, { lr: 0.1, 'optimizer.name': 'adamw' });
  t.deepEqual(
    plan.runs
      .slice(0, 4)
      .map((run) => [run.params.lr, (run.params.optimizer as { name: string }).name, run.seed]),
    [
      [0.1, 'adamw', 1],
      [0.1, 'adamw', 2],
      [0.1, 'sgd', 1],
      [0.1, 'sgd', 2],
    ],
  );
  t.is(new Set(plan.runs.map((run) => run.key)).size, 12);
});

test('params are resolved through the method schema (defaults applied)', async (t) => {
  const [experiment] = await loaded(t, `${TAGGER.join('\n')}\n`);
  const [run] = planRuns([experiment]).runs;
  t.deepEqual(run.params, {
    model: 'm',
    lr: 0.01,
    epochs: 3,
    lowercase: false,
    optimizer: { name: 'adamw', beta: 0.9 },
  });
  t.deepEqual(run.sweepPoint, {});
  t.is(run.seed, 1);
  t.is(run.experiment, 'tagger');
  t.is(run.methodVersion, '1');
});

test('a profile deep-merges params, replaces seeds and sweep, and merges limits', async (t) => {
  const experiments = await loaded(
    t,
    [
      ...TAGGER,
      '  optimizer: {name: sgd, beta: 0.5}',
      'seeds: [1, 2, 3]',
      'sweep: {epochs: [1, 2]}',
      `dataset: {train: data/train.jsonl, dev: data/dev.jsonl, test: data/test.jsonl, limit: {train: 4, dev: 2}}`,
      'profiles:',
      '  quick:',
      '    params: {optimizer: {beta: 0.7}}',
      '    seeds: [7]',
      '    sweep: {lr: [0.5]}',
      '    dataset: {limit: {dev: 1}}',
      '',
    ]
      .filter((line) => line !== DATASET)
      .join('\n'),
  );
  const base = planRuns(experiments);
  t.is(base.runs.length, 2 * 3);
  t.is(base.runs[0].profile, undefined);
  const quick = planRuns(experiments, { profile: 'quick' });
  t.is(quick.runs.length, 1);
  const [run] = quick.runs;
  t.is(run.profile, 'quick');
  t.is(run.seed, 7);
  t.deepEqual(run.params.optimizer, { name: 'sgd', beta: 0.7 });
  t.is(run.params.lr, 0.5);
  t.is(run.params.epochs, 3);
  t.is(run.dataset.train?.limit, 4);
  t.is(run.dataset.dev?.limit, 1);
  t.is(run.dataset.test.limit, undefined);
  t.deepEqual(quick.notes, []);
});

test('a profile an experiment lacks leaves it unchanged, and the plan says so', async (t) => {
  const experiments = await loaded(
    t,
    [
      ...TAGGER,
      'profiles: {quick: {seeds: [5]}}',
      '---',
      'name: other',
      'method: xt-tagger',
      DATASET,
      'params: {model: m}',
      '',
    ].join('\n'),
  );
  const plan = planRuns(experiments, { profile: 'quick' });
  t.deepEqual(
    plan.runs.map((run) => [run.experiment, run.seed, run.profile]),
    [
      ['tagger', 5, 'quick'],
      ['other', 1, undefined],
    ],
  );
  t.deepEqual(plan.notes, ['experiment other does not define profile quick: it runs unchanged']);
  t.is(plan.runs[1].key, planRuns(experiments).runs[1].key);
});

test('a profile no experiment defines is an InputError with a suggestion', async (t) => {
  const experiments = await loaded(t, [...TAGGER, 'profiles: {quick: {}}', ''].join('\n'));
  const error = t.throws(() => planRuns(experiments, { profile: 'quik' }), { instanceOf: InputError });
  t.is(error?.message, '--profile quik: no experiment defines it (did you mean `quick`?)');
});

test('the run key ignores names, descriptions, tags and published numbers', async (t) => {
  const [a] = await loaded(t, `${TAGGER.join('\n')}\n`);
  const [b] = await loaded(
    t,
    [
      ...TAGGER.map((line) => line.replace('name: tagger', 'name: renamed')),
      'description: a different description',
      'tags: [x, y]',
      'published: {source: a paper, protocol: nereval, total_f1: 50}',
      '',
    ].join('\n'),
  );
  t.is(planRuns([a]).runs[0].key, planRuns([b]).runs[0].key);
  t.is(planRuns([a]).runs[0].key, planRuns([a]).runs[0].key);
});

test('the run key changes with any param, seed, dataset byte, limit or method version', async (t) => {
  const [base] = await loaded(t, `${TAGGER.join('\n')}\n`);
  const key = (experiment: LoadedExperiment) => planRuns([experiment]).runs[0].key;
  const baseKey = key(base);
  const changed = async (yaml: string, extra: Record<string, string> = {}) =>
    key((await loaded(t, yaml, extra))[0]);
  t.not(await changed(`${TAGGER.join('\n').replace('lr: 0.01', 'lr: 0.02')}\n`), baseKey);
  // a default written out is the same resolved params: same key
  t.is(await changed(`${TAGGER.join('\n')}\n  epochs: 3\n`), baseKey);
  t.not(await changed(`${TAGGER.join('\n')}\n  epochs: 4\n`), baseKey);
  t.not(await changed(`${TAGGER.join('\n')}\nseeds: [2]\n`), baseKey);
  t.not(
    await changed(`${TAGGER.join('\n')}\n`, { 'data/test.jsonl': skillspanJsonl(3, 'Pythons') }),
    baseKey,
  );
  t.not(
    await changed(
      `${TAGGER.join('\n').replace('test: data/test.jsonl}', 'test: data/test.jsonl, limit: {test: 2}}')}\n`,
    ),
    baseKey,
  );
  t.not(key({ ...base, method: { ...base.method!, version: '2' } }), baseKey);
});

test('datasets default to the bundled SkillSpan splits; null leaves a split out', async (t) => {
  const [experiment] = await loaded(
    t,
    'name: a\nmethod: xt-tagger\nparams: {model: m}\ndataset: {train: null}\n',
  );
  const [run] = planRuns([experiment]).runs;
  t.is(run.dataset.train, undefined);
  t.is(run.dataset.dev?.ref, 'skillspan:dev');
  t.is(run.dataset.test.ref, 'skillspan:test');
  t.regex(run.dataset.test.hash, /^[0-9a-f]{64}$/);
});

test('--only takes exact names and globs; an unknown name is an InputError with a suggestion', async (t) => {
  const yaml = ['alpha-1', 'alpha-2', 'beta']
    .map((name) => `name: ${name}\nmethod: xt-tagger\n${DATASET}\nparams: {model: m}\n`)
    .join('---\n');
  const experiments = await loaded(t, yaml);
  const names = (only: string[]) => planRuns(experiments, { only }).experiments.map((e) => e.name);
  t.deepEqual(names(['beta']), ['beta']);
  t.deepEqual(names(['alpha-*']), ['alpha-1', 'alpha-2']);
  t.deepEqual(names(['alpha-?', 'beta']), ['alpha-1', 'alpha-2', 'beta']);
  const error = t.throws(() => planRuns(experiments, { only: ['bta'] }), { instanceOf: InputError });
  t.is(error?.message, '--only bta: no experiment of that name (did you mean `beta`?)');
  t.throws(() => planRuns(experiments, { only: ['gamma-*'] }), { instanceOf: InputError });
});

test('--seeds N takes the first N seeds and refuses more than there are', async (t) => {
  const experiments = await loaded(t, [...TAGGER, 'seeds: [3, 1, 2]', ''].join('\n'));
  t.deepEqual(
    planRuns(experiments, { seeds: 2 }).runs.map((run) => run.seed),
    [3, 1],
  );
  const error = t.throws(() => planRuns(experiments, { seeds: 4 }), { instanceOf: InputError });
  t.regex(
    error?.message ?? '',
    /^--seeds 4: experiment tagger has only 3 seeds \(3, 1, 2\); add seeds to it \(x\.yaml:1\)$/,
  );
  t.throws(() => planRuns(experiments, { seeds: 0 }), { instanceOf: InputError });
});

test('a published row (no method) gives no runs and keeps its numbers', async (t) => {
  const [row] = await loaded(t, 'name: row\npublished: {source: s, protocol: nervaluate, total_f1: 50}\n');
  const plan = planRuns([row], { seeds: 10, profile: undefined });
  t.is(plan.runs.length, 0);
  t.is(plan.experiments[0].method, undefined);
  t.deepEqual(plan.experiments[0].published, { source: 's', protocol: 'nervaluate', total_f1: 50 });
});

test('two experiments with the same run are noted', async (t) => {
  const yaml = ['a', 'b']
    .map((name) => `name: ${name}\nmethod: xt-tagger\n${DATASET}\nparams: {model: m}\n`)
    .join('---\n');
  const plan = planRuns(await loaded(t, yaml));
  t.is(plan.runs[0].key, plan.runs[1].key);
  t.is(plan.notes.length, 1);
  t.regex(plan.notes[0], /^experiments a and b expand to the same run/);
});

test('expandExperiment counts runs without touching datasets', async (t) => {
  const [experiment] = await loaded(
    t,
    [...TAGGER, 'seeds: [1, 2]', 'sweep: {epochs: [1, 2, 3]}', ''].join('\n'),
  );
  t.is(expandExperiment(experiment).length, 6);
  t.is(expandExperiment(experiment, { seeds: 1 }).length, 3);
});

test('a dataset path keeps its ref as written (relative to the experiment file) and its absolute path', async (t) => {
  const dir = writeFiles(t, {
    'exp/x.yaml':
      'name: a\nmethod: xt-tagger\nparams: {model: m}\ndataset: {test: ../data/t.jsonl, limit: {test: 2}}\n',
    'data/t.jsonl': skillspanJsonl(3),
  });
  const [run] = planRuns((await load(dir)).experiments).runs;
  t.is(run.file, 'exp/x.yaml');
  t.is(run.dataset.test.ref, '../data/t.jsonl');
  t.is(run.dataset.test.path, join(dir, 'data', 't.jsonl'));
  t.is(run.dataset.test.limit, 2);
});

test('the run key covers the files a method fingerprints', async (t) => {
  const yaml = `name: f\nmethod: xt-file\n${DATASET}\nparams: {file: preds.jsonl}\n`;
  const a = planRuns(await loaded(t, yaml, { 'preds.jsonl': '{"a": 1}\n' })).runs[0].key;
  const same = planRuns(await loaded(t, yaml, { 'preds.jsonl': '{"a": 1}\n' })).runs[0].key;
  const b = planRuns(await loaded(t, yaml, { 'preds.jsonl': '{"a": 2}\n' })).runs[0].key;
  t.is(a, same);
  t.not(a, b);
});
