import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../../harness/util/errors.ts';
import { attentionSelfTest } from '../ops/attention.ts';
import { installDropoutKernel } from './dropout-kernels.ts';
import { installKernelFixes } from './kernel-fixes.ts';
import { type AdapterInfo, findWebGpuAdapter, mayHaveGpu } from './webgpu.ts';
import { registerAttentionKernels, unregisterAttentionKernels } from './webgpu-attention.ts';
import { installWebGpuKernels } from './webgpu-kernels.ts';

/**
 * Which tfjs backend runs the neural methods. `auto` takes the first that works, fastest first:
 * tfjs-node-gpu (CUDA), webgpu (Dawn: Vulkan / Metal / D3D12, only when an adapter is found),
 * tfjs-node (libtensorflow on the CPU), wasm (SIMD, one thread in Node), cpu (plain JS).
 */
export const BACKEND_CHOICES = ['auto', 'node-gpu', 'webgpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendRoute = Exclude<BackendChoice, 'auto'>;

const AUTO_ORDER: BackendRoute[] = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'];

/** What the run record keeps about the backend. */
export interface BackendRecord {
  /** the route taken (`wasm`), and what was asked for (`auto`) */
  route: BackendRoute;
  requested: BackendChoice;
  /** tfjs's name for the backend (`tensorflow` for both tfjs-node packages) */
  tfjsBackend: string;
  tfjsVersion: string;
  /** threads doing the math: 1 for wasm and cpu in Node; the machine's cores for libtensorflow */
  threads: number;
  simd?: boolean;
  adapter?: AdapterInfo;
  /** kernel overrides installed (kernel-fixes.ts) */
  kernelFixes: string[];
  /** routes tried before this one and why they were passed over */
  skipped: { route: BackendRoute; reason: string }[];
}

let current: BackendRecord | undefined;

export function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value);
}

/**
 * Sets the tfjs backend for this process and returns what was chosen. Calling it again with the
 * same choice (or `auto` after any choice) returns the existing record; a forced route that
 * cannot start is an InputError saying why.
 */
export function useBackend(requested: BackendChoice = 'auto'): Promise<BackendRecord> {
  // One switch at a time: concurrent callers (tests, parallel runs) wait for the one in flight.
  const next = queue.then(() => switchBackend(requested));
  queue = next.catch(() => undefined);
  return next;
}

let queue: Promise<unknown> = Promise.resolve();

async function switchBackend(requested: BackendChoice): Promise<BackendRecord> {
  if (current && (requested === 'auto' || requested === current.route)) return current;
  const routes = requested === 'auto' ? AUTO_ORDER : [requested];
  const skipped: BackendRecord['skipped'] = [];
  for (const route of routes) {
    const started = await startRoute(route);
    if ('reason' in started) {
      skipped.push({ route, reason: started.reason });
      continue;
    }
    const tfjsBackend = tf.getBackend();
    const nullAdapter = started.adapter?.device === 'null-backend';
    const dropoutKernel = await installDropoutKernel(tfjsBackend, nullAdapter);
    // Dawn's null backend compiles the kernels but computes nothing: they stay, unverified
    const fused =
      tfjsBackend === 'webgpu'
        ? [...(await installWebGpuKernels(!nullAdapter)), await installFusedAttention(!nullAdapter)]
        : [];
    current = {
      route,
      requested,
      tfjsBackend,
      tfjsVersion: tf.version.tfjs,
      threads: started.threads,
      ...(started.simd !== undefined ? { simd: started.simd } : {}),
      ...(started.adapter ? { adapter: started.adapter } : {}),
      kernelFixes: [...installKernelFixes(tfjsBackend), ...(dropoutKernel ? [dropoutKernel] : []), ...fused],
      skipped,
    };
    return current;
  }
  throw new InputError(
    `the tfjs backend "${requested}" cannot start here: ${skipped.map((s) => `${s.route}: ${s.reason}`).join('; ')}`,
  );
}

/**
 * Registers the fused attention kernels on webgpu; with verify, they must first reproduce the
 * tfjs composition (output and gradients) or they are removed again.
 */
async function installFusedAttention(verify: boolean): Promise<string> {
  registerAttentionKernels();
  if (!verify) return 'SkillbenchAttention:wgsl (unverified)';
  const problem = await attentionSelfTest();
  if (!problem) return 'SkillbenchAttention:wgsl';
  unregisterAttentionKernels();
  return `SkillbenchAttention:failed-self-test (${problem})`;
}

/** The record of the backend in use, if useBackend ran. */
export function currentBackend(): BackendRecord | undefined {
  return current;
}

interface Started {
  threads: number;
  simd?: boolean;
  adapter?: AdapterInfo;
}

async function startRoute(route: BackendRoute): Promise<Started | { reason: string }> {
  try {
    switch (route) {
      case 'node-gpu':
      case 'node':
        return await startTfjsNode(
          route === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node',
        );
      case 'webgpu':
        return await startWebGpu();
      case 'wasm':
        return await startWasm();
      case 'cpu':
        await setBackendOrThrow('cpu');
        // The cpu backend greets its first write in Node with a banner recommending tfjs-node.
        (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
        return { threads: 1 };
    }
  } catch (error) {
    return { reason: (error as Error).message.split('\n')[0] };
  }
}

async function setBackendOrThrow(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

async function startTfjsNode(packageName: string): Promise<Started | { reason: string }> {
  // A variable specifier: the packages are optional and usually absent, so neither TypeScript
  // nor a bundler may insist on them.
  const specifier: string = packageName;
  try {
    await import(specifier);
  } catch {
    return { reason: `${packageName} is not installed` };
  }
  await setBackendOrThrow('tensorflow');
  return { threads: availableParallelism() };
}

async function startWebGpu(): Promise<Started | { reason: string }> {
  if (!mayHaveGpu()) return { reason: 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*)' };
  const found = await findWebGpuAdapter();
  if ('reason' in found) return found;
  await import('@tensorflow/tfjs-backend-webgpu');
  await setBackendOrThrow('webgpu');
  return { threads: 1, adapter: found.adapter };
}

async function startWasm(): Promise<Started> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const binary = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  wasm.setWasmPaths(`${dirname(binary)}/`);
  await setBackendOrThrow('wasm');
  // Threads need worker support that Node lacks (the flag reads false): one thread, SIMD on.
  return { threads: wasm.getThreadsCount(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') };
}
