import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bertTaggerMethod } from '../../baselines/bert-tagger/method.ts';
import { type TaggerParams, taggerParams } from '../../baselines/bert-tagger/params.ts';
import { readCheckpointWeights } from '../../baselines/neural/hf/checkpoint.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { fakeTrainContext, predictContext } from './context.ts';

const train = loadDataset('skillspan:train').sentences.slice(0, 64);
const dev = loadDataset('skillspan:dev').sentences.slice(0, 16);

const tiny = (extra: Partial<TaggerParams> = {}): TaggerParams =>
  taggerParams.parse({
    config: {
      hidden_size: 32,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 64,
      max_position_embeddings: 64,
    },
    max_subwords: 64,
    batch_size: 8,
    learning_rate: 2e-3,
    schedule: 'constant',
    log_every: 1,
    backend: 'wasm',
    ...extra,
  });

test('training a tiny encoder on 64 sentences lowers the loss, streams metrics and saves an HF folder', async (t) => {
  const ctx = fakeTrainContext(tiny({ epochs: 3 }), train, dev);
  await bertTaggerMethod.train!(ctx);
  const losses = ctx.metrics.filter((m) => m.name === 'train.loss');
  t.is(losses.length, 24);
  t.deepEqual(
    losses.map((m) => m.step),
    Array.from({ length: 24 }, (_, i) => i + 1),
  );
  const mean = (xs: { value: number }[]) => xs.reduce((s, m) => s + m.value, 0) / xs.length;
  t.true(
    mean(losses.slice(-8)) < mean(losses.slice(0, 8)) * 0.8,
    `loss ${mean(losses.slice(0, 8))} -> ${mean(losses.slice(-8))}`,
  );
  t.is(ctx.metrics.filter((m) => m.name === 'dev.nereval.overall.f1').length, 3);
  t.like(ctx.environment, { tfjs: { route: 'wasm', threads: 1 } });
  const config = JSON.parse(readFileSync(join(ctx.artifactDir, 'model', 'config.json'), 'utf8'));
  t.deepEqual(config.architectures, ['BertForTokenClassification']);
  t.is(config.id2label['4'], 'KNOWLEDGE:B');
  t.deepEqual(config.skillbench_tagger, { layers: ['SKILL', 'KNOWLEDGE'], max_subwords: 64 });
});

test('an interrupted run resumes to exactly the weights of an uninterrupted one', async (t) => {
  const params = tiny({ epochs: 2, max_steps: 13, checkpoint_every: 100 });
  const whole = fakeTrainContext(params, train, dev);
  await bertTaggerMethod.train!(whole);

  const controller = new AbortController();
  const first = fakeTrainContext(params, train, dev, {
    signal: controller.signal,
    onMetric: (m) => {
      if (m.name === 'train.loss' && m.step === 5) controller.abort();
    },
  });
  await t.throwsAsync(bertTaggerMethod.train!(first), { any: true }); // the abort reason, a DOMException
  const progress = JSON.parse(readFileSync(join(first.artifactDir, 'checkpoint', 'progress.json'), 'utf8'));
  t.is(progress.step, 5);
  const second = fakeTrainContext(params, train, dev, { artifactDir: first.artifactDir });
  await bertTaggerMethod.train!(second);
  t.deepEqual(
    second.metrics.filter((m) => m.name === 'train.loss').map((m) => m.step),
    [6, 7, 8, 9, 10, 11, 12, 13],
  );
  const bytes = (ctx: { artifactDir: string }, file: string) => readFileSync(join(ctx.artifactDir, file));
  t.true(
    bytes(second, 'checkpoint/weights.safetensors').equals(bytes(whole, 'checkpoint/weights.safetensors')),
  );
  t.true(
    bytes(second, 'checkpoint/optimizer.safetensors').equals(
      bytes(whole, 'checkpoint/optimizer.safetensors'),
    ),
  );
  t.true(bytes(second, 'model/model.safetensors').equals(bytes(whole, 'model/model.safetensors')));
});

test('predict yields one prediction per sentence, from memory and from the saved folder', async (t) => {
  const ctx = fakeTrainContext(tiny({ epochs: 1, layers: ['SKILL'] }), train, dev);
  const trained = await bertTaggerMethod.train(ctx);
  const sentences = loadDataset('skillspan:test').sentences.slice(0, 40);
  const loaded = await bertTaggerMethod.load(ctx);
  for (const tagger of [trained, loaded]) {
    const ids: string[] = [];
    for await (const prediction of bertTaggerMethod.predict(
      predictContext(ctx, sentences),
      sentences,
      tagger,
    )) {
      ids.push(prediction.id);
      const words = sentences.find((s) => s.id === prediction.id)!.tokens.length;
      t.is(prediction.bio!.SKILL.length, words);
      t.deepEqual(prediction.bio!.KNOWLEDGE, new Array(words).fill('O'), 'an untrained layer is all O');
      t.true(
        prediction.spans.every(
          (span) => span.label === 'SKILL' && span.start < span.end && span.end <= words,
        ),
      );
    }
    t.deepEqual(ids.sort(), sentences.map((s) => s.id).sort());
    bertTaggerMethod.dispose(tagger);
  }
});

test('`from` fine-tunes a Hugging Face folder: its encoder, a fresh pair of heads, its tokenizer', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'pretrained-'));
  for (const file of ['config.json', 'model.safetensors']) {
    copyFileSync(projectPath('fixtures/hf-reference/bert-tiny-random', file), join(folder, file));
  }
  copyFileSync(projectPath('fixtures/hf-reference/tokenizer/tokenizer.json'), join(folder, 'tokenizer.json'));
  const params = taggerParams.parse({
    from: folder,
    epochs: 1,
    max_steps: 4,
    batch_size: 8,
    backend: 'wasm',
    log_every: 1,
  });
  t.is(params.learning_rate, 1e-4, 'fine-tuning default');
  t.is(await bertTaggerMethod.unavailable!(params, process.cwd()), undefined);
  const ctx = fakeTrainContext(params, train, dev);
  await bertTaggerMethod.train!(ctx);
  const saved = readCheckpointWeights(join(ctx.artifactDir, 'model'));
  t.deepEqual(saved.get('classifier.weight')!.shape, [6, 64]);
  t.true(existsSync(join(ctx.artifactDir, 'model', 'tokenizer.json')));
  const missing = await bertTaggerMethod.unavailable!(
    { ...params, from: join(folder, 'missing') },
    process.cwd(),
  );
  t.regex(missing ?? '', /no Hugging Face BERT checkpoint/);
});
