import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { AdamW } from '../../baselines/neural/train/adamw.ts';
import { maxAbsDiff } from './gradcheck.ts';

// Reference values from torch 1.13.1 (torch.optim.AdamW, lr 0.1 / 0.05 / 0.02, betas (0.9, 0.99),
// eps 1e-8, weight_decay 0.01 for the weight and 0 for the bias), with and without clip_grad_norm_.
// groupSize 4 splits the two parameters into separate flat groups; the default packs them in one.

test.before(async () => {
  await useBackend('wasm');
});

const GRADS = [
  [
    [1, -2, 0.5, 0, 3, -1],
    [0.3, -0.1, 2],
  ],
  [
    [-0.5, 1, 0.25, 2, 0, 1],
    [-1, 0.5, 0],
  ],
  [
    [0.1, 0.1, 0.1, -0.1, -0.1, -0.1],
    [0, 0, 1],
  ],
];

function fresh(): Map<string, tf.Variable> {
  return new Map<string, tf.Variable>([
    ['dense.weight', tf.variable(tf.tensor2d([0.5, -1, 2, 0.1, 0, -0.3], [2, 3]))],
    ['dense.bias', tf.variable(tf.tensor1d([0.2, -0.2, 0.4]))],
  ]);
}

const OPTIONS = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 };

test('AdamW matches torch.optim.AdamW, bias excluded from weight decay', (t) => {
  const params = fresh();
  const optimizer = new AdamW(params, OPTIONS);
  [0.1, 0.05, 0.02].forEach((lr, step) => {
    const [w, b] = GRADS[step];
    optimizer.apply(
      new Map<string, tf.Tensor>([
        ['dense.weight', tf.tensor2d(w, [2, 3])],
        ['dense.bias', tf.tensor1d(b)],
      ]),
      lr,
    );
  });
  t.true(
    maxAbsDiff(
      params.get('dense.weight')!.dataSync(),
      [
        0.3806289732456207, -0.8814834356307983, 1.8335151672363281, 0.05186276510357857,
        -0.14347469806671143, -0.20210091769695282,
      ],
    ) < 1e-6,
  );
  t.true(
    maxAbsDiff(
      params.get('dense.bias')!.dataSync(),
      [0.13401508331298828, -0.13910779356956482, 0.25139832496643066],
    ) < 1e-6,
  );
});

test('AdamW state survives export and import', async (t) => {
  const run = async (interrupt: boolean) => {
    let params = fresh();
    let optimizer = new AdamW(params, OPTIONS);
    for (let step = 0; step < 3; step++) {
      if (interrupt && step === 2) {
        const state = await optimizer.exportState();
        const values = new Map([...params].map(([name, v]) => [name, v.dataSync().slice()]));
        params = fresh();
        for (const [name, v] of params) v.assign(tf.tensor(values.get(name)!, v.shape));
        optimizer = new AdamW(params, OPTIONS);
        optimizer.importState(state);
      }
      const [w, b] = GRADS[step];
      optimizer.apply(
        new Map<string, tf.Tensor>([
          ['dense.weight', tf.tensor2d(w, [2, 3])],
          ['dense.bias', tf.tensor1d(b)],
        ]),
        0.05,
      );
    }
    return params.get('dense.weight')!.dataSync();
  };
  t.deepEqual(await run(true), await run(false));
});

test('with clipping: torch clip_grad_norm_(1.0) then AdamW, over three steps', (t) => {
  const params = fresh();
  const optimizer = new AdamW(params, { ...OPTIONS, groupSize: 4 });
  const norms = [0.1, 0.05, 0.02].map((lr, step) => {
    const [w, b] = GRADS[step];
    const grads = new Map<string, tf.Tensor>([
      ['dense.weight', tf.tensor2d(w, [2, 3])],
      ['dense.bias', tf.tensor1d(b)],
    ]);
    return optimizer.apply(grads, lr, 1).norm!.dataSync()[0];
  });
  t.true(maxAbsDiff(norms, [4.398863315582275, 2.75, 1.029563069343567]) < 1e-5);
  t.true(
    maxAbsDiff(
      params.get('dense.weight')!.dataSync(),
      [
        0.39139604568481445, -0.896676242351532, 1.8274421691894531, 0.0530041828751564, -0.1419915109872818,
        -0.21468280255794525,
      ],
    ) < 1e-6,
  );
  t.true(
    maxAbsDiff(
      params.get('dense.bias')!.dataSync(),
      [0.1397336721420288, -0.14282545447349548, 0.25050562620162964],
    ) < 1e-6,
  );
});
