import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { addBroadcast } from '../../baselines/neural/ops/broadcast-add.ts';
import { maskedCrossEntropy } from '../../baselines/neural/ops/cross-entropy.ts';
import { gatherRows } from '../../baselines/neural/ops/gather-rows.ts';
import { geluErf } from '../../baselines/neural/ops/gelu.ts';
import { layerNorm } from '../../baselines/neural/ops/layer-norm.ts';
import { linear } from '../../baselines/neural/ops/linear.ts';
import { finiteDifferenceCheck, maxAbsDiff } from './gradcheck.ts';

// Every custom gradient, checked twice: against finite differences, and against tfjs's autodiff
// of the same formula written with plain ops (which must agree to float32 rounding).

test.before(async () => {
  await useBackend('wasm');
});

const randn = (shape: number[], seed: number, mean = 0, sd = 1) =>
  tf.randomNormal(shape, mean, sd, 'float32', seed);
/** a fixed random projection, so every output element matters to the scalar */
const project = (y: tf.Tensor, seed: number) => tf.sum(tf.mul(y, randn(y.shape, seed))) as tf.Scalar;

function autodiffAgrees(
  t: import('ava').ExecutionContext,
  custom: (...x: tf.Tensor[]) => tf.Scalar,
  plain: (...x: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
) {
  const a = tf.grads(custom)(inputs);
  const b = tf.grads(plain)(inputs);
  a.forEach((g, i) => {
    t.true(maxAbsDiff(g.dataSync(), b[i].dataSync()) < 2e-5, `input ${i}`);
  });
  t.true(Math.abs(custom(...inputs).dataSync()[0] - plain(...inputs).dataSync()[0]) < 1e-4);
}

test('layerNorm: gradient matches finite differences and autodiff', (t) => {
  const inputs = [randn([3, 5, 8], 1), randn([8], 2, 1, 0.2), randn([8], 3, 0, 0.2)];
  const custom = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => project(layerNorm(x, g, b, 1e-5), 9);
  const plain = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return project(tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b), 9);
  };
  const check = finiteDifferenceCheck(custom as never, inputs, { samples: 16 });
  t.true(check.worst <= 1, check.detail);
  autodiffAgrees(t, custom as never, plain as never, inputs);
});

test('geluErf: gradient matches finite differences and autodiff', (t) => {
  const inputs = [randn([4, 7], 4, 0, 2)];
  const custom = (x: tf.Tensor) => project(geluErf(x), 5);
  const plain = (x: tf.Tensor) =>
    project(tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)), 5);
  const check = finiteDifferenceCheck(custom as never, inputs, { samples: 28 });
  t.true(check.worst <= 1, check.detail);
  autodiffAgrees(t, custom as never, plain as never, inputs);
});

test('gatherRows: gradient sums repeated rows (scatterND backward)', (t) => {
  const table = randn([6, 4], 6);
  const indices = tf.tensor1d([0, 3, 3, 5, 0, 0], 'int32');
  const custom = (x: tf.Tensor) => project(tf.square(gatherRows(x, indices)), 7);
  const check = finiteDifferenceCheck(custom as never, [table], { samples: 24 });
  t.true(check.worst <= 1, check.detail);
  // row 1, 2 and 4 are never gathered: their gradient is exactly zero
  const grad = tf
    .grads(custom as never)([table])[0]
    .arraySync() as number[][];
  for (const row of [1, 2, 4]) t.deepEqual(grad[row], [0, 0, 0, 0]);
});

test('maskedCrossEntropy: gradient matches finite differences; ignored rows get none', (t) => {
  const labels = Int32Array.from([2, -1, 0, 4, -1]);
  const logits = randn([5, 5], 8, 0, 2);
  const custom = (x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor2D, labels);
  const plain = (x: tf.Tensor) => {
    const keep = tf.tensor1d([1, 0, 1, 1, 0]);
    const picked = tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(tf.tensor1d([2, 0, 0, 4, 0], 'int32'), 5)), -1);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, keep))), 3) as tf.Scalar;
  };
  const check = finiteDifferenceCheck(custom as never, [logits], { samples: 25 });
  t.true(check.worst <= 1, check.detail);
  autodiffAgrees(t, custom as never, plain as never, [logits]);
  const grad = tf
    .grads(custom as never)([logits])[0]
    .arraySync() as number[][];
  t.deepEqual(grad[1], [0, 0, 0, 0, 0]);
});

test('linear: gradient matches finite differences and autodiff (bias gradient as a matMul)', (t) => {
  const inputs = [randn([2, 5, 6], 10), randn([6, 4], 11, 0, 0.5), randn([4], 12)];
  const custom = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => project(linear(x, w, b), 13);
  const plain = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
    project(tf.add(tf.reshape(tf.matMul(tf.reshape(x, [10, 6]), w as tf.Tensor2D), [2, 5, 4]), b), 13);
  const check = finiteDifferenceCheck(custom as never, inputs, { samples: 16 });
  t.true(check.worst <= 1, check.detail);
  autodiffAgrees(t, custom as never, plain as never, inputs);
});

test('addBroadcast: gradient of the broadcast operand sums the leading axes', (t) => {
  const inputs = [randn([3, 4, 5], 14), randn([4, 5], 15)];
  const custom = (x: tf.Tensor, r: tf.Tensor) => project(tf.square(addBroadcast(x, r)), 16);
  const plain = (x: tf.Tensor, r: tf.Tensor) => project(tf.square(tf.add(x, r)), 16);
  const check = finiteDifferenceCheck(custom as never, inputs, { samples: 16 });
  t.true(check.worst <= 1, check.detail);
  autodiffAgrees(t, custom as never, plain as never, inputs);
});
