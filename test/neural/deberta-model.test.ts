import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { parseDebertaConfig } from '../../baselines/neural/deberta/config.ts';
import { DebertaModel } from '../../baselines/neural/deberta/model.ts';
import { logBucketPosition, relativeShift } from '../../baselines/neural/deberta/relative-position.ts';
import { readCheckpointWeights, writeCheckpoint } from '../../baselines/neural/hf/checkpoint.ts';
import { readSafetensorsFile } from '../../baselines/neural/hf/safetensors.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { finiteDifferenceCheck, maxAbsDiff } from './gradcheck.ts';
import { referenceDeberta, TINY_DEBERTA_IDS, tinyDeberta } from './tiny-deberta.ts';

test.before(async () => {
  await useBackend('wasm');
});

const inputs = (ids: number[][]) => {
  const inputIds = tf.tensor2d(ids, undefined, 'int32') as tf.Tensor2D;
  return { inputIds, attentionMask: tf.cast(tf.notEqual(inputIds, 0), 'int32') as tf.Tensor2D };
};

test('log buckets equal torch float32 (fixtures/deberta/log_buckets.json, 4 geometries)', (t) => {
  const fixture = JSON.parse(readFileSync(projectPath('fixtures/deberta/log_buckets.json'), 'utf8')) as {
    cases: { bucket_size: number; max_position: number; first: number; buckets: number[] }[];
  };
  for (const c of fixture.cases) {
    const ours = c.buckets.map((_, i) => logBucketPosition(c.first + i, c.bucket_size, c.max_position));
    t.deepEqual(ours, c.buckets, `bucket_size ${c.bucket_size}`);
  }
});

test('relativeShift picks column (N - 1) - (q - k) of every row', (t) => {
  const n = 5;
  const x = tf.tensor(
    Array.from({ length: 2 * 3 * n * (2 * n - 1) }, (_, i) => i),
    [2, 3, n, 2 * n - 1],
  );
  const got = relativeShift(x).arraySync() as number[][][][];
  const source = x.arraySync() as number[][][][];
  for (let a = 0; a < 2; a++)
    for (let b = 0; b < 3; b++)
      for (let q = 0; q < n; q++)
        for (let k = 0; k < n; k++) t.is(got[a][b][q][k], source[a][b][q][n - 1 - (q - k)]);
  t.deepEqual(relativeShift(tf.ones([4, 1, 1])).shape, [4, 1, 1]);
});

test('bucketed tiny DeBERTa equals a plain-number transformers-style forward pass (padding included)', (t) => {
  const model = tinyDeberta();
  const hidden = model.encode(inputs(TINY_DEBERTA_IDS)).arraySync() as number[][][];
  const reference = referenceDeberta(model, TINY_DEBERTA_IDS);
  t.true(
    maxAbsDiff(hidden.flat(2), reference.flat(2)) < 1e-4,
    `${maxAbsDiff(hidden.flat(2), reference.flat(2))}`,
  );
  model.dispose();
});

// Every gradient in the encoder comes from the shared ops' hand-written gradients (gatherRows,
// layerNorm, linear, geluErf, dropout) and tfjs's own (slice, reshape, transpose, reverse,
// matMul, softmax): checked end to end on every kind of weight, through the relative terms.
const NAMES = [
  'embeddings.word_embeddings.weight',
  'embeddings.LayerNorm.weight',
  'encoder.rel_embeddings.weight',
  'encoder.LayerNorm.weight',
  'encoder.LayerNorm.bias',
  'encoder.layer.0.attention.self.qkv.weight',
  'encoder.layer.0.attention.self.qkv.bias',
  'encoder.layer.1.attention.output.dense.weight',
  'encoder.layer.1.intermediate.dense.weight',
  'encoder.layer.1.output.LayerNorm.bias',
];

function tinyLoss(model: DebertaModel, names: string[]) {
  const weights = tf.tensor(
    Array.from({ length: 2 * 14 * 8 }, (_, i) => Math.sin(i)),
    [2, 14, 8],
  );
  return (...values: tf.Tensor[]) => {
    const params = new Map(model.params as Map<string, tf.Tensor>);
    names.forEach((name, i) => {
      params.set(name, values[i]);
    });
    const view = new DebertaModel(model.config, params as never, model.prefix);
    return tf.sum(tf.mul(view.encode(inputs(TINY_DEBERTA_IDS)), weights)) as tf.Scalar;
  };
}

test('tiny DeBERTa: analytic gradients match finite differences on every kind of weight', (t) => {
  const model = tinyDeberta();
  const check = finiteDifferenceCheck(
    tinyLoss(model, NAMES),
    NAMES.map((name) => model.params.get(name)!),
    { samples: 5, eps: 5e-3, atol: 2e-3 },
  );
  t.true(check.worst <= 1, check.detail);
  model.dispose();
});

test('every DeBERTa parameter receives a gradient (padding row of the embedding aside)', (t) => {
  const model = tinyDeberta();
  const names = [...model.params.keys()];
  const grads = tf.grads(tinyLoss(model, names))(names.map((name) => model.params.get(name)!));
  names.forEach((name, i) => {
    t.true(tf.max(tf.abs(grads[i])).dataSync()[0] > 0, `${name} has no gradient`);
  });
  model.dispose();
});

test('save writes transformers names and [out, in] projections; loading gives the same function', async (t) => {
  const model = tinyDeberta();
  const dir = mkdtempSync(join(tmpdir(), 'deberta-'));
  await model.save(dir);
  const tensors = readCheckpointWeights(dir);
  t.deepEqual(tensors.get('encoder.layer.0.attention.self.query_proj.weight')!.shape, [8, 8]);
  t.deepEqual(tensors.get('encoder.rel_embeddings.weight')!.shape, [16, 8]);
  t.false(tensors.has('encoder.layer.0.attention.self.qkv.weight'));
  const { model: loaded, ignored } = DebertaModel.load(dir);
  t.deepEqual(ignored, []);
  const a = model.encode(inputs(TINY_DEBERTA_IDS)).dataSync();
  const b = loaded.encode(inputs(TINY_DEBERTA_IDS)).dataSync();
  t.deepEqual(Array.from(b), Array.from(a));
});

test('loading is strict: missing and unexpected weights are named, the position_ids buffer is skipped', async (t) => {
  const model = tinyDeberta();
  const dir = mkdtempSync(join(tmpdir(), 'deberta-strict-'));
  await model.save(dir);
  const tensors = readCheckpointWeights(dir);
  tensors.delete('encoder.rel_embeddings.weight');
  tensors.set('encoder.extra.weight', { shape: [1], dtype: 'F32', data: new Float32Array(1) });
  tensors.set('embeddings.position_ids', { shape: [1, 4], dtype: 'I64', data: new Int32Array(4) });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  writeCheckpoint(dir, config, tensors as never);
  const error = t.throws(() => DebertaModel.load(dir));
  t.regex(error.message, /missing weights: encoder\.rel_embeddings\.weight/);
  t.regex(error.message, /unexpected weights: encoder\.extra\.weight/);
  t.notRegex(error.message, /position_ids/);
});

test('a task model (deberta. prefix) loads its encoder and reports the head as ignored', async (t) => {
  const model = tinyDeberta();
  const dir = mkdtempSync(join(tmpdir(), 'deberta-task-'));
  const tensors = await model.tensors();
  const task = new Map([...tensors].map(([name, tensor]) => [`deberta.${name}`, tensor]));
  task.set('classifier.weight', { shape: [3, 8], data: new Float32Array(24) });
  task.set('classifier.bias', { shape: [3], data: new Float32Array(3) });
  task.set('deberta.embeddings.position_ids', { shape: [1, 4], data: new Float32Array(4) });
  writeCheckpoint(dir, { ...model.config, architectures: ['DebertaV2ForTokenClassification'] }, task);
  const loaded = DebertaModel.load(dir);
  t.is(loaded.model.prefix, 'deberta.');
  t.deepEqual(loaded.ignored.sort(), [
    'classifier.bias',
    'classifier.weight',
    'deberta.embeddings.position_ids',
  ]);
  t.deepEqual(
    Array.from(loaded.model.encode(inputs(TINY_DEBERTA_IDS)).dataSync()),
    Array.from(model.encode(inputs(TINY_DEBERTA_IDS)).dataSync()),
  );
});

test('the GLiNER backbone loads from its state dict by prefix', (t) => {
  const dir = projectPath('fixtures/hf-reference/gliner-tiny-random');
  const gliner = JSON.parse(readFileSync(join(dir, 'gliner_config.json'), 'utf8'));
  const config = parseDebertaConfig(gliner.encoder_config, `${dir}/gliner_config.json`);
  const found = readSafetensorsFile(join(dir, 'model.safetensors')).tensors;
  const { model } = DebertaModel.fromTensors(config, found, dir, 'token_rep_layer.bert_layer.model.');
  t.is(
    model.params.get('token_rep_layer.bert_layer.model.embeddings.word_embeddings.weight')!.shape[0],
    3003,
  );
  const expected = JSON.parse(readFileSync(join(dir, 'expected_inference.json'), 'utf8')).cases[0];
  const ids = expected.inputs.input_ids;
  const hidden = model.encode({
    inputIds: tf.tensor2d(ids.data, ids.shape, 'int32') as tf.Tensor2D,
    attentionMask: tf.tensor2d(expected.inputs.attention_mask.data, ids.shape, 'int32') as tf.Tensor2D,
  });
  const reference = expected.intermediates.encoder_last_hidden;
  t.deepEqual(hidden.shape, reference.shape);
  const error = maxAbsDiff(hidden.dataSync(), reference.data);
  t.true(error < 1e-4, `encoder_last_hidden max error ${error}`);
  t.log(`gliner-tiny-random encoder_last_hidden: max |error| ${error.toExponential(2)}`);
});

test('configs this port does not implement are refused with the option named', (t) => {
  const base = {
    vocab_size: 10,
    hidden_size: 8,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 16,
  };
  t.throws(() => parseDebertaConfig({ ...base, conv_kernel_size: 3 }, 'c.json'), {
    message: /conv_kernel_size 3/,
  });
  t.throws(() => parseDebertaConfig({ ...base, embedding_size: 4 }, 'c.json'), {
    message: /embedding_size 4/,
  });
  t.throws(
    () => parseDebertaConfig({ ...base, relative_attention: true, pos_att_type: 'p2c|c2p' }, 'c.json'),
    { message: /share_att_key false/ },
  );
  t.throws(() => parseDebertaConfig({ ...base, hidden_size: 9 }, 'c.json'), { message: /multiple/ });
});
