import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { readCheckpointWeights, writeCheckpoint } from '../../baselines/neural/hf/checkpoint.ts';
import {
  halfToFloat,
  parseSafetensors,
  serializeSafetensors,
} from '../../baselines/neural/hf/safetensors.ts';
import { InputError } from '../../harness/util/errors.ts';
import { projectPath } from '../../harness/util/paths.ts';

/** A safetensors file built by hand: header JSON + little-endian bytes. */
function handMade(entries: { name: string; dtype: string; shape: number[]; bytes: number[] }[]): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes.length] };
    offset += e.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(
    entries.flatMap((e) => e.bytes),
    8 + json.length,
  );
  return out;
}

test('F32 tensors round-trip through the writer and reader', (t) => {
  const tensors = new Map([
    ['b.weight', { shape: [2, 2], data: Float32Array.from([1.5, -2, 3.25, 1e-8]) }],
    ['a.bias', { shape: [3], data: Float32Array.from([0, -0, 7]) }],
  ]);
  const bytes = serializeSafetensors(tensors);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  t.is((8 + headerLength) % 8, 0, 'data starts 8-byte aligned');
  const read = parseSafetensors(bytes, 'memory');
  t.deepEqual([...read.tensors.keys()].sort(), ['a.bias', 'b.weight']);
  t.deepEqual(Array.from(read.tensors.get('b.weight')!.data), [1.5, -2, 3.25, Math.fround(1e-8)]);
  t.deepEqual(read.tensors.get('b.weight')!.shape, [2, 2]);
  t.deepEqual(read.metadata, { format: 'pt' });
});

test('F16 and BF16 are upcast to float32, I64 narrowed to int32', (t) => {
  const file = handMade([
    // 1.0, -2.0, 65504 (max half), 2^-24 (smallest subnormal)
    { name: 'half', dtype: 'F16', shape: [4], bytes: [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00] },
    // bf16 1.0 and -0.5
    { name: 'brain', dtype: 'BF16', shape: [2], bytes: [0x80, 0x3f, 0x00, 0xbf] },
    {
      name: 'ids',
      dtype: 'I64',
      shape: [2],
      bytes: [5, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255],
    },
  ]);
  const { tensors } = parseSafetensors(file, 'hand-made');
  t.deepEqual(Array.from(tensors.get('half')!.data), [1, -2, 65504, 2 ** -24]);
  t.deepEqual(Array.from(tensors.get('brain')!.data), [1, -0.5]);
  t.deepEqual(Array.from(tensors.get('ids')!.data), [5, -1]);
  t.true(tensors.get('ids')!.data instanceof Int32Array);
  t.is(halfToFloat(0x7c00), Number.POSITIVE_INFINITY);
});

test('a byte range that does not fit the shape is an InputError naming the tensor and file', (t) => {
  const file = handMade([{ name: 'w', dtype: 'F32', shape: [3], bytes: [0, 0, 0, 0] }]);
  const error = t.throws(() => parseSafetensors(file, 'broken.safetensors'), { instanceOf: InputError });
  t.regex(error.message, /broken\.safetensors: tensor "w"/);
});

test('the fixture checkpoint reads: names, dtypes and shapes transformers wrote', (t) => {
  const tensors = readCheckpointWeights(projectPath('fixtures/hf-reference/bert-tiny-random'));
  t.is(tensors.size, 39);
  t.deepEqual(tensors.get('bert.encoder.layer.1.intermediate.dense.weight')!.shape, [128, 64]);
  t.deepEqual(tensors.get('classifier.weight')!.shape, [5, 64]);
});

test('sharded checkpoints: written with an index, read back whole', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shards-'));
  const tensors = new Map(
    ['a', 'b', 'c', 'd'].map((name, i) => [name, { shape: [4], data: Float32Array.from([i, i, i, i]) }]),
  );
  writeCheckpoint(dir, { model_type: 'test' }, tensors, 40);
  t.deepEqual(readdirSync(dir).sort(), [
    'config.json',
    'model-00001-of-00002.safetensors',
    'model-00002-of-00002.safetensors',
    'model.safetensors.index.json',
  ]);
  const read = readCheckpointWeights(dir);
  t.deepEqual([...read.keys()].sort(), ['a', 'b', 'c', 'd']);
  t.deepEqual(Array.from(read.get('c')!.data), [2, 2, 2, 2]);
});

test('a folder without weights says what is missing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'empty-'));
  const error = t.throws(() => readCheckpointWeights(dir), { instanceOf: InputError });
  t.regex(
    error.message,
    /no model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin or pytorch_model\.bin\.index\.json/,
  );
});
