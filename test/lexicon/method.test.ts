import test from 'ava';
import { createMatcher, learnLexicon } from '../../baselines/lexicon/lexicon.ts';
import { lexiconMethod, lexiconParams } from '../../baselines/lexicon/method.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { collect, methodContexts } from '../helpers/method-context.ts';
import { tempDir } from '../helpers/tmp.ts';

const sentence = (id: string, text: string, spans: Sentence['spans']): Sentence => ({
  id,
  docId: 0,
  tokens: text.split(' '),
  source: 'tech',
  spans,
});

// "Python" is annotated twice of three occurrences (precision 2/3); "machine learning" once of once
const TRAIN = [
  sentence('train:1', 'Know Python well', [{ label: 'KNOWLEDGE', start: 1, end: 2 }]),
  sentence('train:2', 'Python and machine learning', [
    { label: 'KNOWLEDGE', start: 0, end: 1 },
    { label: 'SKILL', start: 2, end: 4 },
  ]),
  sentence('train:3', 'a python snake', []),
];

test('the lexicon learns annotated phrases with their annotation precision', (t) => {
  const lexicon = learnLexicon(TRAIN, { caseFold: true, maxLength: 12 });
  t.deepEqual(lexicon.entries.KNOWLEDGE, [{ tokens: ['python'], annotated: 2, occurrences: 3 }]);
  t.deepEqual(lexicon.entries.SKILL, [{ tokens: ['machine', 'learning'], annotated: 1, occurrences: 1 }]);
  const caseSensitive = learnLexicon(TRAIN, { caseFold: false, maxLength: 12 });
  t.deepEqual(caseSensitive.entries.KNOWLEDGE, [{ tokens: ['Python'], annotated: 2, occurrences: 2 }]);
  t.deepEqual(learnLexicon(TRAIN, { caseFold: true, maxLength: 1 }).entries.SKILL, []);
});

test('the matcher takes the longest match, left to right, and honours the thresholds', (t) => {
  const lexicon = learnLexicon(
    [...TRAIN, sentence('train:4', 'machine learning pipelines', [{ label: 'SKILL', start: 0, end: 3 }])],
    { caseFold: true, maxLength: 12 },
  );
  const all = createMatcher(lexicon, { minCount: 1, minPrecision: { SKILL: 0, KNOWLEDGE: 0 } });
  t.deepEqual(all('Use PYTHON for machine learning pipelines'.split(' ')), [
    { label: 'SKILL', start: 3, end: 6 },
    { label: 'KNOWLEDGE', start: 1, end: 2 },
  ]);
  const precise = createMatcher(lexicon, { minCount: 1, minPrecision: { SKILL: 0, KNOWLEDGE: 0.7 } });
  t.deepEqual(precise(['Python']), [], 'precision 2/3 is below 0.7');
  const frequent = createMatcher(lexicon, { minCount: 2, minPrecision: { SKILL: 0, KNOWLEDGE: 0 } });
  t.deepEqual(frequent(['machine', 'learning', 'Python']), [{ label: 'KNOWLEDGE', start: 2, end: 3 }]);
});

test('train tunes a threshold per label on dev, returns the model, and load() reads the same one back', async (t) => {
  const train = loadDataset('skillspan:train').sentences.slice(0, 400);
  const dev = loadDataset('skillspan:dev').sentences.slice(0, 150);
  const params = lexiconParams.parse({ tune_grid: [0, 0.5, 0.9] });
  const contexts = methodContexts(params, { artifactDir: tempDir(t), train, dev });
  const trained = await lexiconMethod.train(contexts.train);
  t.true(trained.lexicon.entries.SKILL.length > 10);
  for (const label of ['SKILL', 'KNOWLEDGE'] as const) {
    t.true([0, 0.5, 0.9].includes(trained.thresholds.minPrecision[label]));
    t.is(contexts.recorded.params[`min_precision.${label}`], trained.thresholds.minPrecision[label]);
    t.is(contexts.recorded.metrics.filter((m) => m.name === `tune.${label}.dev_f1`).length, 3);
  }
  t.deepEqual(await lexiconMethod.load(contexts.load), trained);

  const test = loadDataset('skillspan:test').sentences.slice(0, 60);
  const predictions = await collect(lexiconMethod.predict(contexts.predict('test', test), test, trained));
  t.deepEqual(
    predictions.map((p) => p.id),
    test.map((s) => s.id),
  );
  t.true(predictions.some((p) => p.spans.length > 0));
});

test('a fixed min_precision skips tuning; a tune_metric that is not a dev metric fails', async (t) => {
  const train = TRAIN;
  const fixed = methodContexts(lexiconParams.parse({ min_precision: 0.7 }), {
    artifactDir: tempDir(t),
    train,
  });
  const model = await lexiconMethod.train(fixed.train);
  t.deepEqual(model.thresholds.minPrecision, { SKILL: 0.7, KNOWLEDGE: 0.7 });
  t.false(fixed.recorded.metrics.some((m) => m.name.startsWith('tune.')));

  const wrong = methodContexts(lexiconParams.parse({ tune_metric: 'nope.{label}.f1' }), {
    artifactDir: tempDir(t),
    train,
    dev: TRAIN,
  });
  await t.throwsAsync(() => lexiconMethod.train(wrong.train), { message: /tune_metric "nope.\{label\}.f1"/ });
});
