import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { BertTokenModel } from '../../baselines/neural/bert/model.ts';
import { readCheckpointWeights, writeCheckpoint } from '../../baselines/neural/hf/checkpoint.ts';
import { tensorsFromParams } from '../../baselines/neural/params.ts';
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

test('query, key and value are one [in, 3 * out] parameter in memory and three Linear weights in the file', async (t) => {
  const model = tinyBert();
  const joined = model.params.get('bert.encoder.layer.0.attention.self.qkv.weight')!;
  t.deepEqual(joined.shape, [8, 24]);
  const dir = mkdtempSync(join(tmpdir(), 'bert-qkv-'));
  await model.save(dir);
  const tensors = readCheckpointWeights(dir);
  t.false(tensors.has('bert.encoder.layer.0.attention.self.qkv.weight'));
  const columns = joined.arraySync() as number[][];
  ['query', 'key', 'value'].forEach((part, i) => {
    const file = tensors.get(`bert.encoder.layer.0.attention.self.${part}.weight`)!;
    t.deepEqual(file.shape, [8, 8]);
    // file [out, in] is the transposed slice of columns [8 i, 8 i + 8)
    const expected = Array.from({ length: 64 }, (_, k) => columns[k % 8][i * 8 + Math.floor(k / 8)]);
    t.deepEqual(Array.from(file.data), expected, part);
    t.deepEqual(tensors.get(`bert.encoder.layer.0.attention.self.${part}.bias`)!.shape, [8]);
  });
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
  const tensors = await tensorsFromParams(model.specs, model.params);
  tensors.set('bert.encoder.layer.1.output.dense.weight', { shape: [8, 16], data: new Float32Array(128) });
  writeCheckpoint(dir, model.config, tensors);
  const error = t.throws(() => BertTokenModel.load(dir), { instanceOf: InputError });
  t.regex(error.message, /unexpected weights: bert\.encoder\.layer\.1\.output\.dense\.weight/);
});
