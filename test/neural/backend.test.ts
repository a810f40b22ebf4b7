import test from 'ava';
import { BACKEND_CHOICES, isBackendChoice, useBackend } from '../../baselines/neural/backend/choose.ts';

test.serial(
  'auto takes the first route that starts and records why the others were passed over',
  async (t) => {
    const record = await useBackend('auto');
    t.is(record.requested, 'auto');
    t.true(['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'].includes(record.route));
    t.is(record.tfjsVersion, '4.22.0');
    t.true(record.threads >= 1);
    const order = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'];
    t.deepEqual(
      record.skipped.map((s) => s.route),
      order.slice(0, order.indexOf(record.route)),
    );
    for (const skipped of record.skipped) t.true(skipped.reason.length > 0);
    if (record.route === 'wasm') {
      // Node has no wasm threads: one thread, SIMD on
      t.is(record.threads, 1);
      t.true(record.simd);
    }
    t.is(await useBackend('auto'), record, 'a second auto call keeps the backend');
  },
);

test.serial('a forced route is used; one that cannot start is an error saying why', async (t) => {
  const cpu = await useBackend('cpu');
  t.is(cpu.route, 'cpu');
  t.is(cpu.tfjsBackend, 'cpu');
  const error = await t.throwsAsync(useBackend('node-gpu'));
  t.regex(error!.message, /node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
  t.true(isBackendChoice('wasm'));
  t.false(isBackendChoice('gpu'));
  t.is(BACKEND_CHOICES[0], 'auto');
});
