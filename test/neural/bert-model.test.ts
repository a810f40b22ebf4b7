import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { BertTokenModel } from '../../baselines/neural/bert/model.ts';
import { readCheckpointWeights, writeCheckpoint } from '../../baselines/neural/hf/checkpoint.ts';
import { Rng } from '../../baselines/neural/rng.ts';
import { InputError } from '../../harness/util/errors.ts';
import { BERT_FIXTURE } from './bert-parity.ts';
import { maxAbsDiff } from './gradcheck.ts';
import { TINY_IDS, tinyBert } from './tiny-bert.ts';

test.before(async () => {
  await useBackend('wasm');
});

function hidden(model: BertTokenModel): Float32Array {
  return tf.tidy(() => {
    const ids = tf.tensor2d(TINY_IDS, undefined, 'int32') as tf.Tensor2D;
    return model.encode({ inputIds: ids, attentionMask: tf.onesLike(ids) }).dataSync() as Float32Array;
  });
}

test('save writes a transformers layout ([out, in] Linear weights) that loads back to the same function', async (t) => {
  const model = tinyBert();
  const dir = mkdtempSync(join(tmpdir(), 'bert-'));
  await model.save(dir);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  t.is(config.model_type, 'bert');
  const tensors = readCheckpointWeights(dir);
  t.deepEqual(tensors.get('bert.encoder.layer.0.intermediate.dense.weight')!.shape, [16, 8]);
  t.deepEqual(tensors.get('classifier.weight')!.shape, [3, 8]);
  const { model: loaded, report } = BertTokenModel.load(dir);
  t.deepEqual(report, { ignored: [], initialised: [] });
  t.is(loaded.numLabels, 3);
  t.deepEqual(hidden(loaded), hidden(model));
});

test('a bare BertModel checkpoint (no prefix, pooler, MLM head, position_ids, gamma/beta) loads as an encoder', async (t) => {
  const model = tinyBert();
  const dir = mkdtempSync(join(tmpdir(), 'bert-base-'));
  await model.save(dir);
  const renamed = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const [name, tensor] of readCheckpointWeights(dir)) {
    if (name.startsWith('classifier.')) continue;
    renamed.set(name.replace(/^bert\./, '').replace(/LayerNorm\.weight$/, 'LayerNorm.gamma'), tensor);
  }
  renamed.set('pooler.dense.weight', { shape: [8, 8], data: new Float32Array(64) });
  renamed.set('cls.predictions.bias', { shape: [12], data: new Float32Array(12) });
  renamed.set('embeddings.position_ids', { shape: [1, 16], data: new Int32Array(16) });
  writeCheckpoint(dir, { ...model.config, architectures: ['BertForMaskedLM'] }, renamed);
  const { model: encoder, report } = BertTokenModel.load(dir, { numLabels: 0 });
  t.is(encoder.prefix, '');
  t.deepEqual(report.ignored.sort(), [
    'cls.predictions.bias',
    'embeddings.position_ids',
    'pooler.dense.weight',
  ]);
  t.true(maxAbsDiff(hidden(encoder), hidden(model)) === 0);
});

test('asking for another number of labels replaces the head, freshly initialised, and says so', (t) => {
  const { model, report } = BertTokenModel.load(BERT_FIXTURE, { numLabels: 6, rng: new Rng(1) });
  t.is(model.numLabels, 6);
  t.deepEqual(model.params.get('classifier.weight')!.shape, [64, 6]);
  t.deepEqual(report.initialised, ['classifier.weight', 'classifier.bias']);
  t.deepEqual(report.ignored, ['classifier.bias', 'classifier.weight']);
});

test('a checkpoint with weights the model does not have is refused, naming them', async (t) => {
  const model = tinyBert();
  const dir = mkdtempSync(join(tmpdir(), 'bert-extra-'));
  const tensors = new Map([...readCheckpointWeightsOf(model)]);
  tensors.set('bert.encoder.layer.1.output.dense.weight', { shape: [8, 16], data: new Float32Array(128) });
  writeCheckpoint(dir, model.config, tensors);
  const error = t.throws(() => BertTokenModel.load(dir), { instanceOf: InputError });
  t.regex(error.message, /unexpected weights: bert\.encoder\.layer\.1\.output\.dense\.weight/);

  function readCheckpointWeightsOf(m: BertTokenModel) {
    return m.specs.map((spec) => {
      const data = m.params.get(spec.name)!.dataSync() as Float32Array;
      return [spec.name, { shape: spec.linear ? [spec.shape[1], spec.shape[0]] : spec.shape, data }] as const;
    });
  }
});
