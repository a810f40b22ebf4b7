import * as tf from '@tensorflow/tfjs';
import {
  applyDropout,
  DROPOUT_KERNEL,
  DROPOUT_WGSL,
  type DropoutAttrs,
  maskUniforms,
} from '../ops/dropout-hash.ts';
import type { WebGpuBackendLike } from './webgpu-kernels.ts';

/**
 * Registers the hash-dropout kernel (ops/dropout-hash.ts) for a backend: a JavaScript loop on
 * wasm and cpu, a WGSL program on webgpu. The webgpu kernel checks itself against the
 * JavaScript one on a small tensor first and is removed when they differ (then ops/dropout.ts
 * falls back to uploading a mask). Returns the name of what was installed, if anything.
 * nullAdapter: Dawn's null backend (SKILLBENCH_DAWN_OPTIONS=backend=null), where the kernel is
 * kept unverified so that dispatch counts match a real GPU.
 */
export async function installDropoutKernel(
  backendName: string,
  nullAdapter = false,
): Promise<string | undefined> {
  if (tf.getKernel(DROPOUT_KERNEL, backendName)) return `${DROPOUT_KERNEL}:present`;
  if (backendName === 'wasm') {
    tf.registerKernel({ kernelName: DROPOUT_KERNEL, backendName, kernelFunc: wasmDropout });
    return `${DROPOUT_KERNEL}:js`;
  }
  if (backendName === 'cpu') {
    tf.registerKernel({ kernelName: DROPOUT_KERNEL, backendName, kernelFunc: cpuDropout });
    return `${DROPOUT_KERNEL}:js`;
  }
  if (backendName === 'webgpu') {
    tf.registerKernel({ kernelName: DROPOUT_KERNEL, backendName, kernelFunc: webgpuDropout });
    // Dawn's null backend compiles shaders but computes nothing: nothing to compare there.
    if (nullAdapter) return `${DROPOUT_KERNEL}:wgsl (unverified: null adapter)`;
    const problem = await selfTest();
    if (problem) {
      tf.unregisterKernel(DROPOUT_KERNEL, backendName);
      return `${DROPOUT_KERNEL}:webgpu-failed-self-test (${problem})`;
    }
    return `${DROPOUT_KERNEL}:wgsl`;
  }
  return undefined;
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

const wasmDropout: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as HeapBackend;
  const x = (inputs as { x: tf.TensorInfo }).x;
  const out = be.makeOutput([...x.shape], 'float32');
  applyDropout(be.typedArrayFromHeap(x), be.typedArrayFromHeap(out), attrs as unknown as DropoutAttrs);
  return out;
};

const cpuDropout: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as {
    readSync(dataId: unknown): Float32Array;
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };
  const x = (inputs as { x: tf.TensorInfo }).x;
  const out = new Float32Array(x.shape.reduce((a, b) => a * b, 1));
  applyDropout(be.readSync(x.dataId), out, attrs as unknown as DropoutAttrs);
  return be.makeTensorInfo([...x.shape], 'float32', out);
};

const webgpuDropout: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = (inputs as { x: tf.TensorInfo }).x;
  const mask = maskUniforms(attrs as unknown as DropoutAttrs);
  const size = x.shape.reduce((a, b) => a * b, 1);
  const workgroupSize: [number, number, number] = [128, 1, 1];
  const program = {
    variableNames: ['A'],
    outputShape: [...x.shape],
    shaderKey: 'skillbench_dropout',
    dispatchLayout: { x: x.shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / workgroupSize[0]), 1, 1] as [number, number, number],
    workgroupSize,
    size: true,
    uniforms: 'seed : u32, seed2 : u32, threshold : u32, scale : f32,',
    getUserCode: () => DROPOUT_WGSL,
  };
  return (backend as WebGpuBackendLike).runWebGPUProgram(program, [x], 'float32', [
    { type: 'uint32', data: [mask.seed] },
    { type: 'uint32', data: [mask.seed2] },
    { type: 'uint32', data: [mask.threshold] },
    { type: 'float32', data: [mask.keepScale] },
  ]);
};

/** The webgpu kernel against the JavaScript reference; a description of the first mismatch, if any. */
async function selfTest(): Promise<string | undefined> {
  const attrs: DropoutAttrs = { rate: 0.3, seed: 0x9e3779b9, seed2: 12345 };
  const input = Float32Array.from({ length: 1000 }, (_, i) => (i % 17) - 8 + 0.25);
  const expected = new Float32Array(input.length);
  applyDropout(input, expected, attrs);
  try {
    const x = tf.tensor1d(input);
    const y = tf.engine().runKernel(DROPOUT_KERNEL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const got = await y.data();
    tf.dispose([x, y]);
    const bad = expected.findIndex((v, i) => Math.abs(v - got[i]) > 1e-6);
    return bad < 0 ? undefined : `element ${bad}: ${got[bad]} instead of ${expected[bad]}`;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}
