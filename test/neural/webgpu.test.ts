import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { bertTaggerMethod } from '../../baselines/bert-tagger/method.ts';
import { taggerParams } from '../../baselines/bert-tagger/params.ts';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { mayHaveGpu } from '../../baselines/neural/backend/webgpu.ts';
import { ATTENTION_KERNELS } from '../../baselines/neural/backend/webgpu-attention.ts';
import { createBenchStep } from '../../bench/neural-setup.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { fakeTrainContext, predictContext } from '../bert-tagger/context.ts';
import { checkDebertaParity } from './deberta-parity.ts';

// Needs a WebGPU adapter. Without a GPU, Mesa's llvmpipe serves as one (a software GPU through
// Dawn's OpenGL backend in compatibility mode; Debian: apt-get install libegl1 libegl-mesa0
// libgl1-mesa-dri, which .ci/run installs). SKILLBENCH_DAWN_OPTIONS, when set, chooses instead;
// skipped when neither Mesa nor a GPU device node is there.
const MESA_SOFTWARE_DRIVER = '/usr/lib/x86_64-linux-gnu/dri/swrast_dri.so';
if (!process.env.SKILLBENCH_DAWN_OPTIONS && existsSync(MESA_SOFTWARE_DRIVER)) {
  // read when Dawn creates its adapter, so setting them here is early enough
  process.env.EGL_PLATFORM = 'surfaceless';
  process.env.SKILLBENCH_DAWN_OPTIONS = 'backend=opengl';
  process.env.SKILLBENCH_WEBGPU_FEATURE_LEVEL = 'compatibility';
}
const nullAdapter = process.env.SKILLBENCH_DAWN_OPTIONS?.includes('null') ?? false;
const maybe = !nullAdapter && mayHaveGpu() ? test.serial : test.skip;

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
  t.is(kernels.length, 12);
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

maybe('attention runs in the fused kernels on webgpu: no head transposes, no softmax', async (t) => {
  await useBackend('webgpu');
  const bench = createBenchStep(TINY, { seed: 5 });
  await bench.step();
  const profile = await tf.profile(() => bench.stepTensors());
  bench.dispose();
  const counts = new Map<string, number>();
  for (const kernel of profile.kernels) counts.set(kernel.name, (counts.get(kernel.name) ?? 0) + 1);
  for (const name of ATTENTION_KERNELS) t.is(counts.get(name), TINY.layers, name);
  t.is(counts.get('Transpose'), undefined);
  t.is(counts.get('Softmax'), undefined);
});

maybe(
  'the bert-tagger trains, checkpoints and predicts through the runner interface on webgpu, as on cpu',
  async (t) => {
    const train = loadDataset('skillspan:train').sentences.slice(0, 32);
    const dev = loadDataset('skillspan:dev').sentences.slice(0, 8);
    const test = loadDataset('skillspan:test').sentences.slice(0, 12);
    const run = async (backend: 'cpu' | 'webgpu') => {
      const params = taggerParams.parse({
        config: { hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 64 },
        max_subwords: 64,
        batch_size: 8,
        learning_rate: 2e-3,
        schedule: 'constant',
        log_every: 1,
        epochs: 1,
        backend,
      });
      const ctx = fakeTrainContext(params, train, dev);
      const tagger = await bertTaggerMethod.train(ctx);
      const predicted: string[] = [];
      for await (const prediction of bertTaggerMethod.predict(predictContext(ctx, test), test, tagger))
        predicted.push(prediction.id);
      bertTaggerMethod.dispose(tagger);
      const losses = ctx.metrics.filter((m) => m.name === 'train.loss').map((m) => m.value);
      return { losses, predicted, environment: ctx.environment };
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    t.like(gpu.environment, { tfjs: { route: 'webgpu' } });
    t.is(gpu.losses.length, 4);
    gpu.losses.forEach((loss, i) => {
      t.true(
        Math.abs(loss - cpu.losses[i]) / cpu.losses[i] < 1e-4,
        `step ${i + 1}: cpu ${cpu.losses[i]}, webgpu ${loss}`,
      );
    });
    t.deepEqual(gpu.predicted.sort(), test.map((s) => s.id).sort());
  },
);

maybe(
  'deberta-v3-tiny-random on webgpu: last hidden state equals transformers within 1e-4 (4 sentences)',
  (t) => checkDebertaParity(t, 'webgpu', 4),
);
