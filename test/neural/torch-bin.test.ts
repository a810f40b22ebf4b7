import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { DebertaModel } from '../../baselines/neural/deberta/model.ts';
import { readCheckpointWeights } from '../../baselines/neural/hf/checkpoint.ts';
import { unpickle } from '../../baselines/neural/hf/pickle.ts';
import { readTorchCheckpoint } from '../../baselines/neural/hf/torch-bin.ts';
import { InputError } from '../../harness/util/errors.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { TINY_DEBERTA_IDS } from './tiny-deberta.ts';

const FIXTURES = projectPath('fixtures/torch-bin');

test('torch.save zip: every dtype, a transposed view, shared storage at an offset, a 0-d tensor, a Parameter', (t) => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'tensors.json'), 'utf8')) as Record<
    string,
    { shape: number[]; dtype: string; data: number[] }
  >;
  const tensors = readTorchCheckpoint(join(FIXTURES, 'tensors.bin'));
  t.deepEqual([...tensors.keys()], Object.keys(expected));
  const dtypes: Record<string, string> = {
    float32: 'F32',
    float16: 'F16',
    bfloat16: 'BF16',
    float64: 'F64',
    int64: 'I64',
    int32: 'I32',
    uint8: 'U8',
    bool: 'BOOL',
  };
  for (const [name, want] of Object.entries(expected)) {
    const got = tensors.get(name)!;
    t.deepEqual(got.shape, want.shape, name);
    t.is(got.dtype, dtypes[want.dtype], name);
    // float64 is narrowed to float32; everything else is exact
    const values = want.data.map((v) => (want.dtype === 'float64' ? Math.fround(v) : v));
    t.deepEqual(
      Array.from(got.data),
      values.map((v) => (got.data instanceof Float32Array ? Math.fround(v) : v)),
      name,
    );
  }
  t.true(tensors.get('plain.f32')!.data instanceof Float32Array);
  t.true(tensors.get('ids.i64')!.data instanceof Int32Array);
});

test('a folder with only pytorch_model.bin loads to the same DeBERTa as its safetensors twin', async (t) => {
  await useBackend('wasm');
  const fromBin = DebertaModel.load(join(FIXTURES, 'deberta-tiny-bin'));
  const fromSafetensors = DebertaModel.load(join(FIXTURES, 'deberta-tiny-safetensors'));
  t.deepEqual(fromBin.ignored, ['embeddings.position_ids']);
  const hidden = (model: DebertaModel) =>
    tf.tidy(() => {
      const inputIds = tf.tensor2d(TINY_DEBERTA_IDS, undefined, 'int32') as tf.Tensor2D;
      return Array.from(
        model
          .encode({ inputIds, attentionMask: tf.cast(tf.notEqual(inputIds, 0), 'int32') as tf.Tensor2D })
          .dataSync(),
      );
    });
  t.deepEqual(hidden(fromBin.model), hidden(fromSafetensors.model));
  const bin = readCheckpointWeights(join(FIXTURES, 'deberta-tiny-bin'));
  const safetensors = readCheckpointWeights(join(FIXTURES, 'deberta-tiny-safetensors'));
  t.deepEqual([...bin.keys()].sort(), [...safetensors.keys()].sort());
  for (const [name, tensor] of bin)
    t.deepEqual(Array.from(tensor.data), Array.from(safetensors.get(name)!.data), name);
});

test('sharded pytorch_model.bin.index.json checkpoints are read shard by shard', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'torch-shards-'));
  copyFileSync(join(FIXTURES, 'tensors.bin'), join(dir, 'pytorch_model-00001-of-00001.bin'));
  const names = [...readTorchCheckpoint(join(FIXTURES, 'tensors.bin')).keys()];
  writeFileSync(
    join(dir, 'pytorch_model.bin.index.json'),
    JSON.stringify({
      weight_map: Object.fromEntries(names.map((n) => [n, 'pytorch_model-00001-of-00001.bin'])),
    }),
  );
  t.deepEqual([...readCheckpointWeights(dir).keys()], names);
});

test('a checkpoint whose pickle calls os.system is refused with the global named', (t) => {
  const error = t.throws(() => readTorchCheckpoint(join(FIXTURES, 'malicious.bin')), {
    instanceOf: InputError,
  });
  t.regex(error.message, /refused global posix\.system: only tensors are allowed/);
});

/** A protocol-2 pickle from opcodes (latin-1 strings). */
const pickle = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const hooks = {
  global: (module: string, name: string) => {
    throw new Error(`refused global ${module}.${name}`);
  },
  persistentLoad: () => {
    throw new Error('no persistent ids');
  },
};

test('the unpickler refuses object-building opcodes and globals, and reads plain data', (t) => {
  // {'a': [1, -2, 3.5, 'x', None, True], 'b': (b'\x01',)}
  const data = pickle(
    [0x80, 2, 0x7d],
    '(X',
    [1, 0, 0, 0],
    'a]',
    '(K',
    [1],
    'J',
    [0xfe, 0xff, 0xff, 0xff],
    'G',
    [0x40, 0x0c, 0, 0, 0, 0, 0, 0],
    [0x8c, 1],
    'xN',
    [0x88],
    'eX',
    [1, 0, 0, 0],
    'bC',
    [1, 1],
    [0x85],
    'u.',
  );
  const value = unpickle(data, hooks, 'plain.pkl') as Map<string, unknown>;
  t.deepEqual(value.get('a'), [1, -2, 3.5, 'x', null, true]);
  t.deepEqual(value.get('b'), [Uint8Array.from([1])]);
  t.throws(
    () => unpickle(pickle([0x80, 2], 'cbuiltins\neval\n(X', [1, 0, 0, 0], '1tR.'), hooks, 'eval.pkl'),
    {
      instanceOf: InputError,
      message: /eval\.pkl: pickle: refused global builtins\.eval/,
    },
  );
  // INST (text protocol object creation) and NEWOBJ are never interpreted
  t.throws(() => unpickle(pickle('(ios\nsystem\n.'), hooks, 'inst.pkl'), {
    message: /opcode 0x69 is not allowed/,
  });
  t.throws(() => unpickle(pickle([0x80, 2], ')', [0x81], '.'), hooks, 'newobj.pkl'), {
    message: /opcode 0x81 is not allowed/,
  });
  t.throws(() => unpickle(pickle([0x80, 2], 'X', [9, 0, 0, 0], 'ab'), hooks, 'short.pkl'), {
    message: /truncated/,
  });
});

test('a file that is not a torch zip says so', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'not-zip-'));
  writeFileSync(join(dir, 'legacy.bin'), Uint8Array.from([0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc]));
  t.throws(() => readTorchCheckpoint(join(dir, 'legacy.bin')), {
    instanceOf: InputError,
    message: /legacy torch < 1\.6/,
  });
});
