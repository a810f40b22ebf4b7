import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { contiguousRun } from '../../baselines/neural/backend/kernel-fixes.ts';
import { maxAbsDiff } from './gradcheck.ts';

// The wasm kernel overrides (UnsortedSegmentSum, BatchMatMul, Slice, GatherV2) and the cpu scatter-add
// must compute what the stock cpu backend computes.

interface Case {
  name: string;
  run: () => tf.Tensor;
}

const cases: Case[] = [
  {
    name: 'unsortedSegmentSum',
    run: () =>
      tf.unsortedSegmentSum(
        tf.randomNormal([7, 3], 0, 1, 'float32', 1),
        tf.tensor1d([4, 0, 4, 2, -1, 0, 9], 'int32'),
        5,
      ),
  },
  {
    name: 'gather gradient (needs UnsortedSegmentSum)',
    run: () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.gather(x, tf.tensor1d([1, 1, 3], 'int32')))))(
        tf.randomNormal([5, 4], 0, 1, 'float32', 2),
      ),
  },
  {
    name: 'matMul transposeA',
    run: () =>
      tf.matMul(
        tf.randomNormal([6, 4], 0, 1, 'float32', 3),
        tf.randomNormal([6, 5], 0, 1, 'float32', 4),
        true,
        false,
      ),
  },
  {
    name: 'matMul transposeB',
    run: () =>
      tf.matMul(
        tf.randomNormal([4, 6], 0, 1, 'float32', 5),
        tf.randomNormal([5, 6], 0, 1, 'float32', 6),
        false,
        true,
      ),
  },
  {
    name: 'batched matMul, both transposed',
    run: () =>
      tf.matMul(
        tf.randomNormal([2, 3, 6, 4], 0, 1, 'float32', 7),
        tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 8),
        true,
        true,
      ),
  },
  {
    name: 'batched matMul, b broadcast',
    run: () =>
      tf.matMul(
        tf.randomNormal([3, 5, 4], 0, 1, 'float32', 9),
        tf.randomNormal([1, 4, 6], 0, 1, 'float32', 10),
      ),
  },
  {
    name: 'the same data as b under two shapes (XNNPACK operator cache)',
    run: () => {
      const data = tf.randomNormal([8, 6], 0, 1, 'float32', 11);
      const first = tf.matMul(tf.ones([1, 8]), data);
      const second = tf.matMul(tf.ones([1, 4]), tf.reshape(data, [4, 12]));
      return tf.concat([tf.reshape(first, [-1]), tf.reshape(second, [-1])]);
    },
  },
  {
    name: 'slices: contiguous rows, a flat piece, and a strided block',
    run: () => {
      const x = tf.randomNormal([6, 5], 0, 1, 'float32', 12);
      return tf.concat([
        tf.reshape(tf.slice(x, [2, 0], [3, 5]), [-1]),
        tf.slice(tf.reshape(x, [-1]), [7], [11]),
        tf.reshape(tf.slice(x, [1, 1], [4, 3]), [-1]),
      ]);
    },
  },
  {
    name: 'gather of rows (embedding lookup), repeated and multi-dimensional indices',
    run: () =>
      tf.gather(
        tf.randomNormal([5, 2, 3], 0, 1, 'float32', 13),
        tf.tensor2d(
          [
            [4, 0],
            [4, 2],
          ],
          [2, 2],
          'int32',
        ),
      ),
  },
];

test.serial('wasm with kernel fixes computes what the stock cpu backend computes', async (t) => {
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false; // no tfjs-node banner
  const expected = cases.map((c) => tf.tidy(c.run).dataSync().slice());
  const wasm = await useBackend('wasm');
  t.deepEqual(wasm.kernelFixes.slice(0, 6), [
    'UnsortedSegmentSum:scatter-add',
    'BatchMatMul:explicit-transpose',
    'BatchMatMul:batched-per-slice',
    'BatchMatMul:xnn-cache-guard',
    'Slice:contiguous-copy',
    'GatherV2:row-copy',
  ]);
  cases.forEach((c, i) => {
    t.true(maxAbsDiff(tf.tidy(c.run).dataSync(), expected[i]) < 1e-5, c.name);
  });
  const cpu = await useBackend('cpu');
  t.deepEqual(cpu.kernelFixes.slice(0, 1), ['UnsortedSegmentSum:scatter-add']);
  for (const [i, c] of cases.entries()) {
    t.true(maxAbsDiff(tf.tidy(c.run).dataSync(), expected[i]) < 1e-5, `${c.name} (cpu fix)`);
  }
});

test('contiguousRun finds slices that are one run of memory', (t) => {
  t.deepEqual(contiguousRun([4, 5], [1, 0], [2, 5]), [5, 10]);
  t.deepEqual(contiguousRun([4, 5], [1, 2], [1, 3]), [7, 3]);
  t.deepEqual(contiguousRun([10], [3], [-1]), [3, 7]);
  t.deepEqual(contiguousRun([2, 3, 4], [1, 1, 0], [1, 2, 4]), [16, 8]);
  t.is(contiguousRun([4, 5], [0, 2], [2, 3]), undefined);
  t.is(contiguousRun([2, 3, 4], [0, 1, 0], [2, 1, 4]), undefined);
});

test.serial('the wasm row gather refuses an index outside the table', async (t) => {
  await useBackend('wasm');
  const table = tf.ones([3, 2]);
  t.throws(() => tf.gather(table, tf.tensor1d([0, 3], 'int32')), {
    message: /index value 3 is not in \[0, 2\]/,
  });
  table.dispose();
});
