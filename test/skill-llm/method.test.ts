import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { goldAnswer, serializeAnswer } from '../../baselines/skill-llm/format.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { runnerFor, skillLlmSpec } from './helpers.ts';

const STAND_IN = projectPath('test', 'fixtures', 'skill-llm', 'stand-in-llamafactory.mjs');
const standIn = [process.execPath, STAND_IN, '{yaml}'];

/** What the stand-in's answers do to the counts: every 7th unreadable, every 5th cut short. */
function expectedCounts(n: number) {
  const indices = [...Array(n).keys()];
  return {
    answers: n,
    unparsable: indices.filter((i) => i % 7 === 3).length,
    repaired: indices.filter((i) => i % 7 !== 3 && i % 5 === 4).length,
  };
}

test('llamafactory engine: trains, predicts with a stand-in command, streams progress and loss, scores', async (t) => {
  const { dir, store, run } = runnerFor(t);
  const params = {
    engine: 'llamafactory',
    llamafactory: { train_command: standIn, predict_command: standIn },
  };
  const outcome = await run(skillLlmSpec(dir, params, 'llamafactory-run', { train: 40, dev: 14, test: 30 }));
  t.is(outcome.status, 'finished', outcome.message);
  const metrics = store.summaryMetrics(outcome.run.id);
  for (const [split, n] of [
    ['dev', 14],
    ['test', 30],
  ] as const) {
    const counts = expectedCounts(n);
    t.is(metrics[`${split}.llm.answers`], counts.answers);
    t.is(metrics[`${split}.llm.unparsable`], counts.unparsable);
    t.is(metrics[`${split}.llm.repaired`], counts.repaired);
    t.is(metrics[`${split}.llm.unaligned`], 0);
  }
  // gold answers, some lost: nothing wrong predicted
  t.is(metrics['test.set.overall.precision'], 1);
  t.deepEqual(
    store.metricHistory(outcome.run.id, 'train.loss').map((p) => [p.step, p.value]),
    [
      [2, 1],
      [4, 0.5],
      [6, 2 / 6],
    ].map(([step, value]) => [step, Number(value.toFixed(4))]),
  );
  // the files LLaMA-Factory read: the training records and the paper's YAML
  const work = join(store.artifactRoot(), outcome.run.key, 'llamafactory');
  t.is(JSON.parse(readFileSync(join(work, 'train.json'), 'utf8')).length, 40);
  t.regex(readFileSync(join(work, 'train.yaml'), 'utf8'), /lora_rank: 64/);
  t.regex(readFileSync(join(work, 'predict-test.yaml'), 'utf8'), /adapter_name_or_path: saves\/lora\/sft/);
  const environment = outcome.run.environment as { method?: Record<string, unknown> };
  t.like(environment.method, {
    engine: 'llamafactory',
    base_model: 'meta-llama/Meta-Llama-3-8B-Instruct',
    chat_template: 'llama3',
    marker: '**',
  });
  t.regex(String(environment.method?.instructions_sha256), /^[0-9a-f]{64}$/);
  // the raw answers are kept with each prediction
  const predictions = store.predictions(outcome.run.id, 'test');
  t.is(predictions[3].raw, 'I am not sure.');
  t.is(predictions[3].issues?.[0].kind, 'unparsable');
});

test('llamafactory engine: a killed training resumes from its newest checkpoint', async (t) => {
  const { dir, store, run } = runnerFor(t);
  const output = join(store.artifactRoot(), 'resumed', 'llamafactory', 'saves', 'lora', 'sft');
  for (const step of [2, 10, 4]) mkdirSync(join(output, `checkpoint-${step}`), { recursive: true });
  const params = { llamafactory: { train_command: standIn, predict_command: standIn } };
  const outcome = await run(skillLlmSpec(dir, params, 'resumed', { train: 5, dev: 0, test: 5 }));
  t.is(outcome.status, 'finished', outcome.message);
  t.is(
    JSON.parse(readFileSync(join(output, 'adapter_config.json'), 'utf8')).resumed_from,
    'saves/lora/sft/checkpoint-10',
  );
});

test('llamafactory engine: a failing command fails the run with its output; a missing one skips it', async (t) => {
  const { dir, run } = runnerFor(t);
  const failing = [process.execPath, '-e', 'console.error("CUDA out of memory"); process.exit(3)'];
  const failed = await run(
    skillLlmSpec(dir, { llamafactory: { train_command: failing, predict_command: standIn } }, 'failing', {
      train: 5,
      dev: 0,
      test: 5,
    }),
  );
  t.is(failed.status, 'failed');
  t.regex(failed.message ?? '', /exited with 3[\s\S]*CUDA out of memory/);
  const missing = await run(
    skillLlmSpec(dir, { llamafactory: { train_command: ['no-such-llamafactory-cli'] } }, 'missing', {
      train: 5,
      dev: 0,
      test: 5,
    }),
  );
  t.is(missing.status, 'skipped');
  t.regex(missing.message ?? '', /no-such-llamafactory-cli is not on PATH/);
});

test('import engine: scores an existing generated_predictions.jsonl and checks it belongs to the split', async (t) => {
  const { dir, store, run } = runnerFor(t);
  const sentences = loadDataset('skillspan:test').sentences.slice(0, 25);
  const lines = sentences.map((sentence, i) => {
    const label = serializeAnswer(goldAnswer(sentence, { marker: '**' }));
    const predict =
      i === 0 ? '{"SKILL": [{"skill_span": "quantum knitting", "context": "x"}], "KNOWLEDGE": []}' : label;
    return JSON.stringify({ prompt: 'p', predict, label });
  });
  writeFileSync(join(dir, 'generated_predictions.jsonl'), `${lines.join('\n')}\n`);
  const params = {
    engine: 'import',
    predictions: { test: 'generated_predictions.jsonl', dev: 'generated_predictions.jsonl' },
  };
  // dev has other sentences: the labels say so
  const wrong = await run(skillLlmSpec(dir, params, 'import-wrong', { train: 0, dev: 25, test: 25 }));
  t.is(wrong.status, 'failed');
  t.regex(
    wrong.message ?? '',
    /generated_predictions.jsonl:\d+: the label is not the gold answer of dev:\d+ /,
  );

  // the test split only, its first n sentences
  const importTest = (key: string, n: number) =>
    run(
      skillLlmSpec(dir, { engine: 'import', predictions: { test: 'generated_predictions.jsonl' } }, key, {
        train: 0,
        dev: 0,
        test: n,
      }),
    );
  const outcome = await importTest('import', 25);
  t.is(outcome.status, 'finished', outcome.message);
  const metrics = store.summaryMetrics(outcome.run.id);
  t.is(metrics['test.llm.answers'], 25);
  t.is(metrics['test.llm.unaligned'], 1);
  t.is(metrics['test.llm.unparsable'], 0);
  t.is(metrics['test.set.overall.precision'], 1);

  // a run on the first sentences of the split (--limit) reads their lines of the whole file
  const limited = await importTest('import-10', 10);
  t.is(limited.status, 'finished', limited.message);
  t.is(store.summaryMetrics(limited.run.id)['test.llm.answers'], 10);
  // more sentences than lines: a clear error
  const long = await importTest('import-30', 30);
  t.is(long.status, 'failed');
  t.regex(long.message ?? '', /25 predictions, but the run has 30 sentences and no line for test:25/);
});
