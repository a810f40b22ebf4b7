import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { dropout } from '../../baselines/neural/ops/dropout.ts';
import { applyDropout, DROPOUT_KERNEL, mix32 } from '../../baselines/neural/ops/dropout-hash.ts';
import { Rng } from '../../baselines/neural/rng.ts';

test.serial('the mask is a function of the seeds: same on wasm, cpu and without the kernel', async (t) => {
  const masks: number[][] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend);
    masks.push(Array.from(dropout(tf.ones([50, 40]), 0.25, new Rng(9)).dataSync()));
  }
  // the fallback path (backends without the kernel, e.g. tfjs-node) uploads the same mask
  const kernel = tf.getKernel(DROPOUT_KERNEL, 'cpu')!;
  tf.unregisterKernel(DROPOUT_KERNEL, 'cpu');
  masks.push(Array.from(dropout(tf.ones([50, 40]), 0.25, new Rng(9)).dataSync()));
  tf.registerKernel(kernel);
  t.deepEqual(masks[1], masks[0]);
  t.deepEqual(masks[2], masks[0]);
  const kept = masks[0].filter((v) => v > 0);
  t.true(Math.abs(kept.length / 2000 - 0.75) < 0.03);
  t.true(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
});

test.serial('the backward pass applies the forward mask; no rng or rate 0 is the identity', async (t) => {
  await useBackend('wasm');
  const x = tf.randomNormal([7, 9], 0, 1, 'float32', 3);
  const forward = dropout(x, 0.5, new Rng(4));
  const grad = tf.grad((v: tf.Tensor) => tf.sum(dropout(v, 0.5, new Rng(4))))(x);
  const kept = Array.from(forward.dataSync(), (v) => (v === 0 ? 0 : 2));
  t.deepEqual(Array.from(grad.dataSync()), kept);
  t.is(dropout(x, 0.5, undefined), x);
  t.is(dropout(x, 0, new Rng(1)), x);
});

test('the hash is lowbias32 and the keep test is exact at the edges', (t) => {
  t.is(mix32(0), 0);
  t.not(mix32(1), mix32(2));
  const out = new Float32Array(4);
  applyDropout([1, 2, 3, 4], out, { rate: 0, seed: 1, seed2: 2 });
  t.deepEqual(Array.from(out), [1, 2, 3, 4]);
});
