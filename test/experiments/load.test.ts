import test from 'ava';
import { loadExperimentsOrThrow } from '../../harness/experiments/load.ts';
import { ExperimentError } from '../../harness/experiments/problems.ts';
import { InputError } from '../../harness/util/errors.ts';
import { load, registerFixtureMethods, skillspanJsonl, writeFiles } from './helpers.ts';

registerFixtureMethods();

test('a type error in params names file, line, column and key path', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': ['name: a', 'method: xt-tagger', 'params:', '  model: bert', '  lr: 1e-4x', ''].join('\n'),
  });
  const { lines, experiments } = await load(dir);
  t.deepEqual(lines, [
    'x.yaml:5:7 params.lr: expected number, got "1e-4x" (YAML reads it as text: a plain value is a number only when it is exactly one, like 1e-4 or 0.0001)',
  ]);
  t.deepEqual(experiments, []);
});

test('1e-4 is a number (YAML 1.2 core schema) and loads', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': 'name: a\nmethod: xt-tagger\nparams: {model: bert, lr: 1e-4}\n',
  });
  const { lines, experiments } = await load(dir);
  t.deepEqual(lines, []);
  t.is(experiments[0].config.params?.lr, 0.0001);
});

test('a misspelt key is an error with a suggestion, located at the key', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': 'name: a\ndescripton: hi\nmethod: xt-tagger\nparams: {model: m}\n',
  });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:2:1 descripton: unknown key `descripton` (did you mean `description`?)',
  ]);
});

test('unknown keys are errors at every level, params included', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': [
      'name: a',
      'method: xt-tagger',
      'params:',
      '  model: m',
      '  optimizer: {nmae: sgd}',
      'dataset:',
      '  limits: {test: 3}',
      'published:',
      '  source: s',
      '  protocol: set',
      '  skill: 3',
      'profiles:',
      '  quick:',
      '    param: {}',
      '',
    ].join('\n'),
  });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:5:15 params.optimizer.nmae: unknown param `nmae` of method xt-tagger (did you mean `name`?)',
    'x.yaml:7:3 dataset.limits: unknown key `limits` (did you mean `limit`?)',
    'x.yaml:11:3 published.skill: unknown key `skill` (expected one of knowledge_f1, note, parameters, protocol, setup, skill_f1, source, total_f1)',
    'x.yaml:14:5 profiles.quick.param: unknown key `param` (did you mean `params`?)',
  ]);
});

test('an unknown method is an error with a suggestion', async (t) => {
  const dir = writeFiles(t, { 'x.yaml': 'name: a\nmethod: xt-taggr\n' });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:2:9 method: unknown method "xt-taggr" (did you mean `xt-tagger`?)',
  ]);
});

test('a YAML syntax error is located, and the other documents are still checked', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': 'name: a\nmethod: xt-tagger\nparams: {model: m, lr: "x"}\n---\nname: b\nparams: [1, 2\n',
  });
  const { lines } = await load(dir);
  t.is(lines.length, 2);
  t.is(lines[0], 'x.yaml:3:24 params.lr: expected number, got "x"');
  t.regex(lines[1], /^x\.yaml:\d+:\d+ YAML syntax error: /);
});

test('several errors in one file are all reported, sorted by position', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': [
      'name: Bad Name',
      'method: xt-tagger',
      'params: {lr: -1}',
      'seeds: [1, 2, 1]',
      'sweep:',
      '  epochs: []',
      '  optimzer.beta: [0.9]',
      'dataset: {test: nowhere.jsonl}',
      '',
    ].join('\n'),
  });
  const { lines } = await load(dir);
  t.deepEqual(lines, [
    'x.yaml:1:7 name: must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, got "Bad Name"',
    'x.yaml:3:1 params.model: missing (expected string)',
    'x.yaml:3:14 params.lr: must be > 0, got -1',
    'x.yaml:4:15 seeds[2]: duplicate seed 1 (also at seeds[0])',
    'x.yaml:6:11 sweep.epochs: an empty sweep list gives no runs, got a list',
    'x.yaml:7:3 sweep["optimzer.beta"]: sweep path `optimzer.beta` is not a param of method xt-tagger (did you mean `optimizer.beta`?)',
    `x.yaml:8:17 dataset.test: no such dataset file: ${dir}/nowhere.jsonl (paths are relative to the experiment file's folder)`,
  ]);
});

test('a params error from a profile points at the profile key that set the value', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': [
      'name: a',
      'method: xt-tagger',
      'params:',
      '  model: m',
      '  optimizer: {name: adamw}',
      'profiles:',
      '  quick:',
      '    params:',
      '      optimizer: {name: adam}',
      '      epochs: 0',
      '',
    ].join('\n'),
  });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:9:25 profiles.quick.params.optimizer.name: expected one of adamw, sgd, got "adam" (did you mean `adamw`?)',
    'x.yaml:10:15 profiles.quick.params.epochs: must be >= 1, got 0',
  ]);
});

test('a params error from a sweep value points at that value', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml':
      'name: a\nmethod: xt-tagger\nparams: {model: m}\nsweep:\n  lr: [0.1, oops, 0.3]\n  epochs: [1, 2]\n',
  });
  t.deepEqual((await load(dir)).lines, ['x.yaml:5:13 sweep.lr[1]: expected number, got "oops"']);
});

test('duplicate experiment names across files are errors at the later name', async (t) => {
  const dir = writeFiles(t, {
    'a.yaml': 'name: same\nmethod: xt-tagger\nparams: {model: m}\n',
    'sub/b.yml': '# comment\nname: same\nmethod: xt-tagger\nparams: {model: m}\n',
  });
  const { lines, experiments } = await load(dir);
  t.deepEqual(lines, ['sub/b.yml:2:7 name: duplicate experiment name "same" (first at a.yaml:1:7)']);
  t.deepEqual(
    experiments.map((e) => e.file),
    ['a.yaml'],
  );
});

test('folders are searched recursively for *.yaml and *.yml, in sorted order', async (t) => {
  const dir = writeFiles(t, {
    'b.yaml': 'name: b\npublished: {source: s, protocol: set, total_f1: 50}\n',
    'a/z.yml':
      'name: z\nmethod: xt-tagger\nparams: {model: m}\n---\nname: y\nmethod: xt-tagger\nparams: {model: m}\n',
    'a/notes.txt': 'not yaml',
    '.hidden/c.yaml': 'name: [',
  });
  const { experiments, problems, files } = await load(dir);
  t.deepEqual(problems, []);
  t.deepEqual(files, ['a/z.yml', 'b.yaml']);
  t.deepEqual(
    experiments.map((e) => [e.name, e.document, e.line]),
    [
      ['z', 0, 1],
      ['y', 1, 5],
      ['b', 0, 1],
    ],
  );
});

test('YAML 1.1 habits give warnings, not errors', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml': 'name: a\nmethod: xt-tagger\ndescription: no\nparams: {model: "m", epochs: 010}\n',
  });
  const { lines, experiments } = await load(dir);
  t.deepEqual(lines, [
    'x.yaml:3:14 warning: description: no is the text "no" in YAML 1.2, not a boolean: write false for a boolean, or quote it ("no") to keep the text',
    'x.yaml:4:30 warning: params.epochs: 010 is the decimal number 10 in YAML 1.2 (YAML 1.1 read it as octal); quote it if you mean text',
  ]);
  t.is(experiments.length, 1);
});

test('a boolean param written `no` is an error with a YAML 1.2 hint', async (t) => {
  const dir = writeFiles(t, { 'x.yaml': 'name: a\nmethod: xt-tagger\nparams: {model: m, lowercase: no}\n' });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:3:31 params.lowercase: expected boolean, got "no" (in YAML 1.2 only true and false are booleans)',
  ]);
});

test('a number where text is expected suggests quoting its exact text', async (t) => {
  const dir = writeFiles(t, { 'x.yaml': 'name: a\nmethod: xt-tagger\nparams: {model: 3.10}\n' });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:3:17 params.model: expected string, got 3.1 (quote it to make it text: "3.10")',
  ]);
});

test('an experiment without a method is a published row: it needs a published block and takes nothing that runs', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml':
      'name: a\nsweep: {x: [1]}\n---\nname: b\nseeds: [1]\npublished: {source: s, protocol: set, total_f1: 50}\n',
  });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:1:1 method: missing (a registered method; or, for a row of numbers from a paper, a `published` block)',
    'x.yaml:2:1 sweep: a published row (no `method`) is never run: `sweep` has no meaning',
    'x.yaml:5:1 seeds: a published row (no `method`) is never run: `seeds` has no meaning',
  ]);
});

test('dataset paths resolve against the experiment file folder', async (t) => {
  const dir = writeFiles(t, {
    'exp/x.yaml':
      'name: a\nmethod: xt-tagger\nparams: {model: m}\ndataset: {test: ../data/t.jsonl, train: null}\n',
    'data/t.jsonl': skillspanJsonl(3),
  });
  const { lines, experiments } = await load(dir);
  t.deepEqual(lines, []);
  t.is(experiments[0].config.dataset?.train, null);
});

test('an empty file is a warning; a missing path is an error', async (t) => {
  const dir = writeFiles(t, { 'empty.yaml': '# nothing here\n' });
  t.deepEqual((await load(dir, ['empty.yaml', 'gone.yaml'])).lines, [
    'empty.yaml warning: no experiments in this file',
    'gone.yaml no such file or folder',
  ]);
});

test('a document that is not a map is an error', async (t) => {
  const dir = writeFiles(t, { 'x.yaml': '- name: a\n' });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:1:1 expected a map of experiment fields (name, method, params, ...), got a list',
  ]);
});

test('loadExperimentsOrThrow throws one InputError listing every error', async (t) => {
  const dir = writeFiles(t, { 'x.yaml': 'name: a\nmethod: nope\nseeds: []\n' });
  const error = await t.throwsAsync(() => loadExperimentsOrThrow(['.'], dir), {
    instanceOf: ExperimentError,
  });
  t.true(error instanceof InputError);
  t.is(
    error?.message,
    '2 errors in experiment files:\nx.yaml:2:9 method: unknown method "nope" (registered: xt-file, xt-tagger)\nx.yaml:3:8 seeds: needs at least one seed, got a list',
  );
});

test('map keys that break a rule are located at the key with the rule', async (t) => {
  const dir = writeFiles(t, {
    'x.yaml':
      'name: a\nmethod: xt-tagger\nparams: {model: m}\nprofiles:\n  Quick: {}\nsweep:\n  model.x: [1]\n',
  });
  t.deepEqual((await load(dir)).lines, [
    'x.yaml:5:3 profiles.Quick: a profile name must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, got "Quick"',
    'x.yaml:7:3 sweep["model.x"]: sweep path `model.x` is not a param of method xt-tagger',
  ]);
});
