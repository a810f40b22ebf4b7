import test from 'ava';
import { bindWeights } from '../../baselines/neural/hf/bind-weights.ts';
import type { RawTensor } from '../../baselines/neural/hf/safetensors.ts';
import { InputError } from '../../harness/util/errors.ts';

const tensor = (...shape: number[]): RawTensor => ({
  shape,
  dtype: 'F32',
  data: new Float32Array(shape.reduce((a, b) => a * b, 1)),
});

const EXPECTED = [
  { name: 'encoder.weight', shape: [4, 2] },
  { name: 'encoder.bias', shape: [4] },
  { name: 'head.weight', shape: [3, 4] },
];

test('every missing, unexpected and misshapen weight is named in one error', (t) => {
  const found = new Map([
    ['encoder.weight', tensor(2, 4)],
    ['encoder.bias', tensor(4)],
    ['pooler.dense.weight', tensor(4, 4)],
  ]);
  const error = t.throws(() => bindWeights(found, EXPECTED, 'ckpt'), { instanceOf: InputError });
  t.regex(error.message, /^ckpt: checkpoint does not fit the model/);
  t.regex(error.message, /missing weights: head\.weight/);
  t.regex(error.message, /unexpected weights: pooler\.dense\.weight/);
  t.regex(error.message, /wrong shape: encoder\.weight \[2,4\] \(expected \[4,2\]\)/);
});

test('ignore and optional patterns let through only what they name, and report it', (t) => {
  const found = new Map([
    ['encoder.weight', tensor(4, 2)],
    ['encoder.bias', tensor(4)],
    ['pooler.dense.weight', tensor(4, 4)],
  ]);
  const bound = bindWeights(found, EXPECTED, 'ckpt', { ignore: [/^pooler\./], optional: [/^head\./] });
  t.deepEqual(bound.ignored, ['pooler.dense.weight']);
  t.deepEqual(bound.absent, ['head.weight']);
  t.deepEqual([...bound.tensors.keys()], ['encoder.weight', 'encoder.bias']);
});

test('renaming maps old spellings (LayerNorm.gamma) before matching', (t) => {
  const found = new Map([['norm.gamma', tensor(4)]]);
  const bound = bindWeights(found, [{ name: 'norm.weight', shape: [4] }], 'ckpt', {
    rename: (name) => name.replace(/\.gamma$/, '.weight'),
  });
  t.true(bound.tensors.has('norm.weight'));
});
