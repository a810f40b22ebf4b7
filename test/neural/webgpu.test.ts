import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { createBenchStep } from '../../bench/neural-setup.ts';

// Needs a WebGPU adapter. Without a GPU, Mesa's llvmpipe serves as one (apt-get install
// libegl1 libegl-mesa0 libgl1-mesa-dri):
//   EGL_PLATFORM=surfaceless SKILLBENCH_DAWN_OPTIONS=backend=opengl \
//   SKILLBENCH_WEBGPU_FEATURE_LEVEL=compatibility npx ava test/neural/webgpu.test.ts
// Skipped when SKILLBENCH_DAWN_OPTIONS is unset and no GPU device node exists.
const hasAdapterConfig =
  Boolean(process.env.SKILLBENCH_DAWN_OPTIONS) && !process.env.SKILLBENCH_DAWN_OPTIONS?.includes('null');
const maybe = hasAdapterConfig ? test.serial : test.skip;

const TINY = { layers: 2, hidden: 32, heads: 2, ffn: 64, vocab: 300, batch: 4, length: 16 };

async function losses(): Promise<number[]> {
  const bench = createBenchStep(TINY, { seed: 5 });
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(await bench.step());
  bench.dispose();
  return out;
}

maybe('every fused WGSL kernel passes its self-test against the tfjs composition', async (t) => {
  const record = await useBackend('webgpu');
  const kernels = record.kernelFixes.filter((k) => k.startsWith('Skillbench'));
  t.is(kernels.length, 8);
  for (const kernel of kernels) t.regex(kernel, /:wgsl$/, kernel);
});

maybe('a training step on webgpu follows the cpu backend', async (t) => {
  await useBackend('cpu');
  const cpu = await losses();
  await useBackend('webgpu');
  const gpu = await losses();
  cpu.forEach((loss, i) => {
    t.true(Math.abs(loss - gpu[i]) / loss < 1e-5, `step ${i}: cpu ${loss}, webgpu ${gpu[i]}`);
  });
});
