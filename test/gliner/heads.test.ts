import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { parseGlinerConfig } from '../../baselines/gliner/config.ts';
import { type Capture, headSpecs, headsForward } from '../../baselines/gliner/heads.ts';
import { buildBatch, promptSettings } from '../../baselines/gliner/inputs.ts';

import { splitWords } from '../../baselines/gliner/words.ts';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { bindWeights } from '../../baselines/neural/hf/bind-weights.ts';
import { readJsonFile } from '../../baselines/neural/hf/checkpoint.ts';
import { readSafetensorsFile } from '../../baselines/neural/hf/safetensors.ts';
import { fileTensors, paramsFromTensors } from '../../baselines/neural/params.ts';
import { loadBertTokenizer } from '../../baselines/neural/tokenizers/load.ts';
import { maxAbsDiff } from '../neural/gradcheck.ts';
import { GLINER_FIXTURE, inferenceCases } from './fixture.ts';

const config = parseGlinerConfig(readJsonFile(`${GLINER_FIXTURE}/gliner_config.json`), 'fixture');
const tokenizer = loadBertTokenizer(GLINER_FIXTURE);

function fixtureBatch(caseIndex: number) {
  const c = inferenceCases()[caseIndex];
  const items = c.sentences.map((s) => ({ words: splitWords(s.text).map((w) => w.text), classes: c.labels }));
  return { c, batch: buildBatch(items, tokenizer, promptSettings(config)) };
}

test('the regex words splitter gives GLiNER words and character offsets', (t) => {
  for (const s of inferenceCases()[0].sentences) {
    const words = splitWords(s.text);
    t.deepEqual(
      words.map((w) => w.text),
      s.words,
    );
    t.deepEqual(
      words.map((w) => w.start),
      s.word_starts,
    );
    t.deepEqual(
      words.map((w) => w.end),
      s.word_ends,
    );
  }
});

test('inputs equal what GLiNER v0.2.9 passed to the model (ids, masks, words_mask, spans, prompt positions)', (t) => {
  for (const index of [0, 1]) {
    const { c, batch } = fixtureBatch(index);
    t.deepEqual([...batch.inputIds], c.inputs.input_ids.data);
    t.deepEqual([...batch.attentionMask], c.inputs.attention_mask.data);
    t.deepEqual([...batch.wordsMask], c.inputs.words_mask.data);
    t.deepEqual(batch.textLengths, c.inputs.text_lengths.data);
    t.deepEqual([...batch.spanMask], c.inputs.span_mask.data);
    const idx = c.inputs.span_idx.data;
    const L = batch.words;
    for (let s = 0; s < batch.spanMask.length; s++) {
      if (!batch.spanMask[s]) continue;
      const b = Math.floor(s / (L * batch.width));
      t.is(batch.spanStartRows[s] - b * L, idx[2 * s]);
      t.is(batch.spanEndRows[s] - b * L, idx[2 * s + 1]);
    }
    c.inputs.class_token_positions.forEach((positions, b) => {
      const found = positions.map((_, k) => batch.promptTokenRows[b * batch.classes + k] - b * batch.tokens);
      t.deepEqual(found, positions);
    });
  }
});

test('heads on the recorded encoder output reproduce every intermediate and the logits within 1e-4', async (t) => {
  await useBackend('wasm');
  const specs = headSpecs(config, 64);
  const bound = bindWeights(
    readSafetensorsFile(`${GLINER_FIXTURE}/model.safetensors`).tensors,
    specs.flatMap(fileTensors),
    'fixture',
    { ignore: [/^token_rep_layer\.bert_layer\./] },
  );
  const params = paramsFromTensors(specs, bound.tensors);
  const { c, batch } = fixtureBatch(0);
  const hidden = c.intermediates.encoder_last_hidden;
  const capture: Capture = {};
  const logits = tf.tidy(
    () =>
      headsForward(
        params,
        config,
        tf.tensor3d(hidden.data, hidden.shape as [number, number, number]),
        batch,
        undefined,
        capture,
      ).logits,
  );
  const errors: Record<string, number> = {};
  for (const [name, tensor] of Object.entries(capture)) {
    const expected = c.intermediates[name];
    t.truthy(expected, name);
    t.deepEqual(tensor.shape, expected.shape, name);
    errors[name] = maxAbsDiff(await tensor.data(), expected.data);
  }
  t.deepEqual(logits.shape, c.logits.shape);
  errors.logits = maxAbsDiff(await logits.data(), c.logits.data);
  t.log(
    Object.entries(errors)
      .map(([k, v]) => `${k} ${v.toExponential(1)}`)
      .join(', '),
  );
  for (const [name, error] of Object.entries(errors)) t.true(error < 1e-4, `${name}: ${error}`);
  tf.dispose([logits, ...Object.values(capture), ...params.values()]);
});
