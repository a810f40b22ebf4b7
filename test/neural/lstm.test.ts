import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { maskedBinaryCrossEntropySum } from '../../baselines/neural/ops/binary-cross-entropy.ts';
import { bidirectionalLstm } from '../../baselines/neural/ops/lstm.ts';
import { Rng } from '../../baselines/neural/rng.ts';
import { finiteDifferenceCheck } from './gradcheck.ts';

test.before(async () => {
  await useBackend('wasm');
});

const rng = new Rng(11);
const tensor = (shape: number[], scale = 0.5) =>
  tf.tensor(
    rng.normalArray(
      shape.reduce((a, b) => a * b, 1),
      scale,
    ),
    shape,
  );

test('bidirectional LSTM: the reverse direction starts at each sequence end, padded outputs are 0', async (t) => {
  const [x, wi, wh, bi, bh, wir, whr, bir, bhr] = [
    tensor([2, 4, 3]),
    tensor([3, 8]),
    tensor([2, 8]),
    tensor([8]),
    tensor([8]),
    tensor([3, 8]),
    tensor([2, 8]),
    tensor([8]),
    tensor([8]),
  ];
  const weights = (a: tf.Tensor[], b: tf.Tensor[]) =>
    [
      { inputKernel: a[0], recurrentKernel: a[1], inputBias: a[2], recurrentBias: a[3] },
      { inputKernel: b[0], recurrentKernel: b[1], inputBias: b[2], recurrentBias: b[3] },
    ] as const;
  const [fw, bw] = weights([wi, wh, bi, bh], [wir, whr, bir, bhr]);
  const out = bidirectionalLstm(x as tf.Tensor3D, [4, 2], fw, bw);
  const values = (await out.array()) as number[][][];
  t.true([...values[1][2], ...values[1][3]].every((v) => v === 0));
  // the second sequence's backward output at its last word depends only on that word
  const alone = bidirectionalLstm(tf.slice(x, [1, 1, 0], [1, 1, 3]) as tf.Tensor3D, [1], fw, bw);
  const last = ((await alone.array()) as number[][][])[0][0].slice(2);
  t.true(values[1][1].slice(2).every((v, i) => Math.abs(v - last[i]) < 1e-6));

  const mix = tensor([2, 4, 4], 1);
  const check = finiteDifferenceCheck(
    (...inputs) => {
      const [a, b] = weights(inputs.slice(1, 5), inputs.slice(5, 9));
      return tf.sum(tf.mul(bidirectionalLstm(inputs[0] as tf.Tensor3D, [4, 2], a, b), mix)) as tf.Scalar;
    },
    [x, wi, wh, bi, bh, wir, whr, bir, bhr],
  );
  t.true(check.worst <= 1, check.detail);
});

test('masked BCE with logits: the sum of the stable formula over kept elements, and its gradient', (t) => {
  const x = tf.tensor1d([-30, -1, 0, 2, 40]);
  const y = tf.tensor1d([0, 1, 1, 0, 1]);
  const mask = tf.tensor1d([1, 1, 1, 1, 0]);
  const loss = maskedBinaryCrossEntropySum(x, y, mask).dataSync()[0];
  const bce = (v: number, target: number) =>
    -(target * Math.log(1 / (1 + Math.exp(-v))) + (1 - target) * Math.log(1 - 1 / (1 + Math.exp(-v))));
  const expected = bce(-30, 0) + bce(-1, 1) + bce(0, 1) + bce(2, 0);
  t.true(Math.abs(loss - expected) < 1e-5, `${loss} vs ${expected}`);
  const check = finiteDifferenceCheck(
    (logits) => maskedBinaryCrossEntropySum(logits, y, mask),
    [tf.tensor1d([-3, -1, 0.5, 2, 4])],
  );
  t.true(check.worst <= 1, check.detail);
});
