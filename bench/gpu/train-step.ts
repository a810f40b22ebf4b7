/**
 * The GPU benchmark entry (bundled by bench/gpu/pack.sh, run by run.sh on the GPU machine): the
 * bert-tagger's real training step (BERT encoder, packed BIO heads, masked cross-entropy,
 * clipping, flat AdamW) at bert-base shapes on the webgpu backend. Prints one JSON line with
 * tokens/s, kernels dispatched per step and the sync points per step, after a numerical check
 * of the same code against the cpu backend on a tiny config.
 *
 *   node train-step.mjs [--backend webgpu|wasm|cpu] [--tiny] [--batch 32] [--length 64]
 *                       [--steps 20] [--warmup 3] [--no-check] [--group-size N]
 *                       [--layers N] [--hidden N] [--heads N] [--ffn N] [--vocab N]
 *                       [--tfjs-flag NAME=VALUE ...]
 * --tiny runs a 2-layer, hidden-64 model instead of bert-base (to try the bundle anywhere); the
 * shape flags override single sizes (bert-base's structure at small widths has bert-base's
 * dispatch count, which is how it is counted on Dawn's null adapter). --tfjs-flag sets a tfjs
 * environment flag after the backend starts (e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=256,
 * WEBGPU_MATMUL_PROGRAM_TYPE=3), to compare the backend's own knobs on the same machine.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendChoice, isBackendChoice, useBackend } from '../../baselines/neural/backend/choose.ts';
import { BERT_BASE, createBenchStep, type StepShape } from '../neural-setup.ts';

/**
 * tf.profile entries that launch no GPU work: reshapes and identities only relabel a buffer;
 * `forward` (a custom gradient) and `*__op` (an op wrapper) list their inner kernels on their own.
 */
const NO_DISPATCH = new Set(['Reshape', 'Identity', 'forward', 'fusedMatMul__op', 'logSoftmax__op']);

const TINY: StepShape = { layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 3000, batch: 8, length: 32 };

interface Options {
  backend: BackendChoice;
  tiny: boolean;
  sizes: Partial<StepShape>;
  steps: number;
  warmup: number;
  check: boolean;
  groupSize?: number;
  tfjsFlags: Record<string, number | boolean | string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    backend: 'webgpu',
    tiny: false,
    sizes: {},
    steps: 20,
    warmup: 3,
    check: true,
    tfjsFlags: {},
  };
  const sizeFlags = new Set(['layers', 'hidden', 'heads', 'ffn', 'vocab', 'batch', 'length']);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--tiny') options.tiny = true;
    else if (flag === '--no-check') options.check = false;
    else if (flag === '--backend') {
      const v = value();
      if (!isBackendChoice(v)) throw new Error(`unknown backend ${v}`);
      options.backend = v;
    } else if (sizeFlags.has(flag.slice(2))) {
      const size = Number(value());
      if (!Number.isInteger(size) || size < 1) throw new Error(`${flag} needs a positive integer`);
      options.sizes[flag.slice(2) as keyof StepShape] = size;
    } else if (flag === '--steps') options.steps = Number(value());
    else if (flag === '--warmup') options.warmup = Number(value());
    else if (flag === '--group-size') options.groupSize = Number(value());
    else if (flag === '--tfjs-flag') {
      const [name, raw] = value().split('=');
      if (!name || raw === undefined) throw new Error('--tfjs-flag needs NAME=VALUE');
      options.tfjsFlags[name] =
        raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
    } else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

/** Losses of a few steps of the tiny config, same seeds: the backend's numbers against cpu's. */
async function numericsCheck(
  route: BackendChoice,
): Promise<{ cpu: number[]; backend: number[]; maxRelative: number }> {
  const losses = async (backend: BackendChoice) => {
    await useBackend(backend);
    const bench = createBenchStep(TINY, { seed: 7 });
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push(await bench.step());
    bench.dispose();
    return out;
  };
  const cpu = await losses('cpu');
  const backend = await losses(route);
  const maxRelative = Math.max(...cpu.map((c, i) => Math.abs(c - backend[i]) / Math.abs(c)));
  return { cpu, backend, maxRelative };
}

type Counted = 'reads' | 'dispatches' | 'submits';

/** Runs fn with the given methods wrapped to count their calls; the counts by label. */
async function countCalls(
  methods: { label: Counted; owner: Record<string, unknown>; name: string }[],
  fn: () => Promise<unknown>,
): Promise<Record<Counted, number>> {
  const counts: Record<Counted, number> = { reads: 0, dispatches: 0, submits: 0 };
  const originals = methods.map(({ label, owner, name }) => {
    const original = owner[name] as (...args: unknown[]) => unknown;
    owner[name] = function (this: unknown, ...args: unknown[]) {
      counts[label]++;
      return original.apply(this, args);
    };
    return original;
  });
  try {
    await fn();
    return counts;
  } finally {
    methods.forEach(({ owner, name }, i) => {
      owner[name] = originals[i];
    });
  }
}

/**
 * What one step sends and asks for: reads back from the device (each a sync point), and on
 * webgpu the compute dispatches (tf.profile sees kernels, and some kernels dispatch several
 * programs: tfjs-webgpu concatenates more than 7 inputs as a tree) and queue submits.
 */
function stepCounters(): { label: Counted; owner: Record<string, unknown>; name: string }[] {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const gpu = globalThis as unknown as {
    GPUComputePassEncoder?: { prototype: Record<string, unknown> };
    GPUQueue?: { prototype: Record<string, unknown> };
  };
  const pass = gpu.GPUComputePassEncoder?.prototype;
  const queue = gpu.GPUQueue?.prototype;
  return [
    { label: 'reads', owner: backend, name: 'read' },
    { label: 'reads', owner: backend, name: 'readSync' },
    ...(tf.getBackend() === 'webgpu' && pass && queue
      ? [
          { label: 'dispatches' as const, owner: pass, name: 'dispatchWorkgroups' },
          { label: 'submits' as const, owner: queue, name: 'submit' },
        ]
      : []),
  ];
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const check = options.check ? await numericsCheck(options.backend) : undefined;
  const record = await useBackend(options.backend);
  for (const [name, value] of Object.entries(options.tfjsFlags)) tf.env().set(name, value);
  const base = options.tiny ? TINY : BERT_BASE;
  const shape: StepShape = { ...base, ...options.sizes };
  const bench = createBenchStep(shape, options.groupSize ? { groupSize: options.groupSize } : {});
  const warmStart = performance.now();
  for (let i = 0; i < options.warmup; i++) await bench.step();
  const warmupMs = performance.now() - warmStart;

  const started = performance.now();
  let loss = 0;
  for (let i = 0; i < options.steps; i++) loss = await bench.step();
  const msPerStep = (performance.now() - started) / options.steps;

  const counters = stepCounters();
  const counted = await countCalls(counters, () => bench.step());
  const reads = counted.reads;
  const gpuWork = counters.some((c) => c.label === 'dispatches') ? counted : undefined;
  const profile = await tf.profile(() => bench.stepTensors());
  const byKernel = new Map<string, { count: number; ms: number }>();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { count: 0, ms: 0 };
    entry.count++;
    // without timestamp queries the webgpu backend reports nonsense times; keep only sane ones
    if (typeof k.kernelTimeMs === 'number' && k.kernelTimeMs >= 0) entry.ms += k.kernelTimeMs;
    byKernel.set(k.name, entry);
  }
  const dispatches = profile.kernels.filter((k) => !NO_DISPATCH.has(k.name)).length;
  const top = (key: 'count' | 'ms') =>
    [...byKernel]
      .filter(([name]) => !NO_DISPATCH.has(name))
      .sort((a, b) => b[1][key] - a[1][key])
      .slice(0, 15)
      .map(([name, e]) => ({ name, count: e.count, ms: Number(e.ms.toFixed(2)) }));
  // GPU time of the profiled step's kernels: real only where the adapter has timestamp queries
  // (run.sh asks Dawn for them); msPerStep minus this is launch and host overhead
  const gpuMs = [...byKernel].reduce((sum, [name, e]) => sum + (NO_DISPATCH.has(name) ? 0 : e.ms), 0);
  const report = {
    backend: record.route,
    adapter: record.adapter,
    kernelFixes: record.kernelFixes,
    tfjs: record.tfjsVersion,
    tfjsFlags: options.tfjsFlags,
    shape,
    parameters: bench.parameters,
    warmupMs: Math.round(warmupMs),
    msPerStep: Number(msPerStep.toFixed(1)),
    tokensPerSecond: Math.round((shape.batch * shape.length) / (msPerStep / 1000)),
    lastLoss: loss,
    kernelsPerStep: profile.kernels.length,
    dispatchesPerStep: dispatches,
    // what the GPU received (includes programs inside one kernel, e.g. tfjs's concat tree)
    gpuDispatchesPerStep: gpuWork?.dispatches ?? null,
    queueSubmitsPerStep: gpuWork?.submits ?? null,
    syncPointsPerStep: reads,
    kernelGpuMsPerStep: gpuMs > 0 ? Number(gpuMs.toFixed(1)) : null,
    topKernelsByCount: top('count'),
    topKernelsByTime: gpuMs > 0 ? top('ms') : null,
    memory: { tensors: tf.memory().numTensors, mb: Math.round(tf.memory().numBytes / 1e6) },
    numericsCheck: check,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.stderr.write(
    `${record.route}${record.adapter ? ` (${record.adapter.vendor} ${record.adapter.architecture} ${record.adapter.device})` : ''}: ` +
      `${shape.layers}L/${shape.hidden}H B ${shape.batch} T ${shape.length}: ${report.msPerStep} ms/step = ${report.tokensPerSecond} tokens/s, ` +
      `${dispatches} dispatches/step (${report.kernelsPerStep} kernel calls${gpuWork ? `; the GPU received ${gpuWork.dispatches} dispatches in ${gpuWork.submits} submits` : ''}), ${reads} sync point(s)/step` +
      `${check ? `; numerics vs cpu: max relative loss difference ${check.maxRelative.toExponential(2)}` : ''}\n`,
  );
  bench.dispose();
}

await main();
