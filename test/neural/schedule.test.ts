import test from 'ava';
import { learningRate } from '../../baselines/neural/train/schedule.ts';

test('slanted triangular rises over cut_frac of the steps, then falls, between peak/ratio and peak', (t) => {
  const options = {
    name: 'slanted-triangular' as const,
    peak: 1e-4,
    totalSteps: 100,
    cutFrac: 0.3,
    ratio: 32,
  };
  const rates = Array.from({ length: 101 }, (_, step) => learningRate(step, options));
  t.is(rates[0], 1e-4 / 32);
  t.is(rates[30], 1e-4);
  t.true(Math.abs(rates[100] - 1e-4 / 32) < 1e-12);
  for (let s = 1; s <= 30; s++) t.true(rates[s] > rates[s - 1]);
  for (let s = 31; s <= 100; s++) t.true(rates[s] < rates[s - 1]);
});

test('linear warmup then decay to zero; constant is constant', (t) => {
  const options = { name: 'linear' as const, peak: 1, totalSteps: 10, warmup: 0.2 };
  t.deepEqual(
    Array.from({ length: 10 }, (_, s) => Number(learningRate(s, options).toFixed(4))),
    [0.5, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125],
  );
  t.is(learningRate(7, { name: 'constant', peak: 3, totalSteps: 10 }), 3);
});

test('transformers-linear: first step at 0, warmup over ceil(10%) steps, then linear to 0 (GLiNER: 400 steps)', (t) => {
  const at = (step: number) =>
    learningRate(step, { name: 'transformers-linear', peak: 1, totalSteps: 400, warmup: 0.1 });
  t.is(at(0), 0);
  t.is(at(20), 0.5);
  t.is(at(40), 1);
  t.is(at(220), 0.5);
  t.is(at(399), 1 / 360);
  t.is(learningRate(0, { name: 'transformers-linear', peak: 1, totalSteps: 5, warmup: 0.1 }), 0);
  t.is(learningRate(1, { name: 'transformers-linear', peak: 1, totalSteps: 5, warmup: 0.1 }), 1);
});
