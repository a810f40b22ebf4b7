import * as tf from '@tensorflow/tfjs';
import { MIX32_WGSL } from '../ops/dropout-hash.ts';
import type { WebGpuBackendLike } from './webgpu-kernels.ts';

/**
 * Fused multi-head self-attention for the webgpu backend (used by ops/attention.ts): the
 * composition costs ~24 dispatches per BERT layer (head transposes, two batched products,
 * scale, mask, softmax, dropout, and their gradients); these four kernels do it in 2 forward
 * and 2 backward, reading q | k | v from the one [B*T, 3 * hidden] product of the joined
 * query/key/value layer and writing its gradient in the same layout.
 *
 * One thread per (batch, head, query row) or (batch, head, key row) loops over the other
 * axis with the head's dh values in registers. Simple rather than tiled: at BERT's lengths
 * (T <= 128) attention is ~2% of a layer's FLOPs, and launch count is what costs time.
 */
export const ATTENTION_LSE = 'SkillbenchAttentionLse';
export const ATTENTION_CONTEXT = 'SkillbenchAttentionContext';
export const ATTENTION_DELTA = 'SkillbenchAttentionDelta';
export const ATTENTION_GRAD = 'SkillbenchAttentionGrad';
export const ATTENTION_KERNELS = [ATTENTION_LSE, ATTENTION_CONTEXT, ATTENTION_DELTA, ATTENTION_GRAD];

export interface AttentionAttrs {
  batch: number;
  length: number;
  heads: number;
  headSize: number;
  /** hash-dropout seeds (ops/dropout-hash.ts); threshold 0 and keepScale 1 keep everything */
  seed: number;
  seed2: number;
  threshold: number;
  keepScale: number;
}

/** Helpers every attention kernel shares; DH (the head size) is a constant of the shader. */
const PRELUDE = `${MIX32_WGSL}  // offset of head hh of token t of sequence b in a [B*T, heads*DH] tensor
  fn headBase(b : i32, t : i32, hh : i32) -> i32 {
    return (b * uniforms.length + t) * (uniforms.heads * DH) + hh * DH;
  }
  // the same in the [B*T, 3*heads*DH] q | k | v tensor; part 0 q, 1 k, 2 v
  fn qkvBase(b : i32, t : i32, hh : i32, part : i32) -> i32 {
    let hidden = uniforms.heads * DH;
    return (b * uniforms.length + t) * 3 * hidden + part * hidden + hh * DH;
  }
  // the dropout scale of probability (i, j) of head hh of sequence b: the mask of
  // ops/dropout-hash.ts over the [B, heads, T, T] probabilities
  fn keepScale(b : i32, hh : i32, i : i32, j : i32) -> f32 {
    let flat = u32(((b * uniforms.heads + hh) * uniforms.length + i) * uniforms.length + j);
    let h = mix32(mix32(flat ^ uniforms.seed) ^ uniforms.seed2);
    return select(0.0, uniforms.keepScale, h >= uniforms.threshold);
  }
`;

const SCORE = `
  // q_i . k_j / sqrt(dh) + mask_j, for query token i and key token j of sequence b, head hh
  fn score(b : i32, i : i32, j : i32, hh : i32) -> f32 {
    let qBase = qkvBase(b, i, hh, 0);
    let kBase = qkvBase(b, j, hh, 1);
    var s = 0.0;
    for (var c = 0; c < DH; c++) { s += QKV[qBase + c] * QKV[kBase + c]; }
    return s * uniforms.scale + Mask[b * uniforms.length + j];
  }
`;

/** index -> (b, hh, r): thread `index` owns row r of head hh of sequence b */
const DECODE = `
    let T = uniforms.length;
    let rowThreads = uniforms.batch * uniforms.heads * T;
    let row = index % rowThreads;
    let r = row % T;
    let hh = (row / T) % uniforms.heads;
    let b = row / (T * uniforms.heads);
`;

interface KernelSource {
  inputs: string[];
  /** rows: one value per (b, head, row); hidden: [B*T, hidden]; qkv: [B*T, 3 * hidden] */
  output: 'rows' | 'hidden' | 'qkv';
  code: string;
}

const SOURCES: Record<string, KernelSource> = {
  [ATTENTION_LSE]: {
    inputs: ['QKV', 'Mask'],
    output: 'rows',
    // log-sum-exp of the scores of query row r (online max)
    code: `${SCORE}
  fn main(index : i32) {${DECODE}
    if (index >= rowThreads) { return; }
    var m = -3.0e38;
    var l = 0.0;
    for (var j = 0; j < T; j++) {
      let s = score(b, r, j, hh);
      if (s > m) { l = l * exp(m - s); m = s; }
      l += exp(s - m);
    }
    result[index] = m + log(l);
  }`,
  },
  [ATTENTION_CONTEXT]: {
    inputs: ['QKV', 'Mask', 'Lse'],
    output: 'hidden',
    code: `${SCORE}
  fn main(index : i32) {${DECODE}
    if (index >= rowThreads) { return; }
    let lse = Lse[index];
    var acc : array<f32, DH>;
    for (var j = 0; j < T; j++) {
      let p = exp(score(b, r, j, hh) - lse) * keepScale(b, hh, r, j);
      let vBase = qkvBase(b, j, hh, 2);
      for (var c = 0; c < DH; c++) { acc[c] += p * QKV[vBase + c]; }
    }
    let base = headBase(b, r, hh);
    for (var c = 0; c < DH; c++) { result[base + c] = acc[c]; }
  }`,
  },
  [ATTENTION_DELTA]: {
    inputs: ['Dy', 'Context'],
    output: 'rows',
    // rowsum(dO * O) of query row r: the softmax-gradient correction
    code: `
  fn main(index : i32) {${DECODE}
    if (index >= rowThreads) { return; }
    let base = headBase(b, r, hh);
    var s = 0.0;
    for (var c = 0; c < DH; c++) { s += Dy[base + c] * Context[base + c]; }
    result[index] = s;
  }`,
  },
  [ATTENTION_GRAD]: {
    inputs: ['QKV', 'Mask', 'Lse', 'Delta', 'Dy'],
    output: 'qkv',
    // threads [0, rows) write dq of query row r, the next rows threads dk of key row r, the
    // last ones dv of key row r; dS = P * (Z * (dO . v) - delta)
    code: `${SCORE}
  fn dyDotV(b : i32, i : i32, j : i32, hh : i32) -> f32 {
    let dyBase = headBase(b, i, hh);
    let vBase = qkvBase(b, j, hh, 2);
    var s = 0.0;
    for (var c = 0; c < DH; c++) { s += Dy[dyBase + c] * QKV[vBase + c]; }
    return s;
  }
  fn main(index : i32) {${DECODE}
    if (index >= 3 * rowThreads) { return; }
    let part = index / rowThreads;
    let rowStart = (b * uniforms.heads + hh) * T;
    var acc : array<f32, DH>;
    for (var o = 0; o < T; o++) {
      // (i, j): query and key of this term; r is i for dq and j for dk and dv
      let i = select(o, r, part == 0);
      let j = select(r, o, part == 0);
      let p = exp(score(b, i, j, hh) - Lse[rowStart + i]);
      let z = keepScale(b, hh, i, j);
      if (part == 2) {
        let dyBase = headBase(b, i, hh);
        for (var c = 0; c < DH; c++) { acc[c] += p * z * Dy[dyBase + c]; }
      } else {
        let ds = p * (z * dyDotV(b, i, j, hh) - Delta[rowStart + i]) * uniforms.scale;
        // dq sums ds * k_j, dk sums ds * q_i
        let otherBase = select(qkvBase(b, i, hh, 0), qkvBase(b, j, hh, 1), part == 0);
        for (var c = 0; c < DH; c++) { acc[c] += ds * QKV[otherBase + c]; }
      }
    }
    let base = qkvBase(b, r, hh, part);
    for (var c = 0; c < DH; c++) { result[base + c] = acc[c]; }
  }`,
  },
};

const WORKGROUP = 64;

function kernelFunc(name: string): tf.KernelFunc {
  const source = SOURCES[name];
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AttentionAttrs;
    const tensors = source.inputs.map((input) => {
      const tensor = (inputs as Record<string, tf.TensorInfo | undefined>)[input];
      if (!tensor) throw new Error(`${name}: input ${input} is missing`);
      return tensor;
    });
    const rowThreads = a.batch * a.heads * a.length;
    const hidden = a.heads * a.headSize;
    const outputShape = {
      rows: [rowThreads],
      hidden: [a.batch * a.length, hidden],
      qkv: [a.batch * a.length, 3 * hidden],
    }[source.output];
    const threads = source.output === 'qkv' ? 3 * rowThreads : rowThreads;
    const program = {
      variableNames: source.inputs,
      outputShape,
      // the head size is baked into the shader (register arrays need a constant length)
      shaderKey: `${name}_${a.headSize}`,
      dispatchLayout: { x: outputShape.map((_, i) => i) },
      dispatch: [Math.ceil(threads / WORKGROUP), 1, 1] as [number, number, number],
      workgroupSize: [WORKGROUP, 1, 1] as [number, number, number],
      uniforms:
        'batch : i32, length : i32, heads : i32, seed : u32, seed2 : u32, threshold : u32, scale : f32, keepScale : f32,',
      getUserCode: () => `const DH : i32 = ${a.headSize};\n${PRELUDE}${source.code}`,
    };
    return (backend as WebGpuBackendLike).runWebGPUProgram(program, tensors, 'float32', [
      { type: 'int32', data: [a.batch] },
      { type: 'int32', data: [a.length] },
      { type: 'int32', data: [a.heads] },
      { type: 'uint32', data: [a.seed >>> 0] },
      { type: 'uint32', data: [a.seed2 >>> 0] },
      { type: 'uint32', data: [a.threshold >>> 0] },
      { type: 'float32', data: [1 / Math.sqrt(a.headSize)] },
      { type: 'float32', data: [a.keepScale] },
    ]);
  };
}

export function registerAttentionKernels(): void {
  for (const name of ATTENTION_KERNELS) {
    if (!tf.getKernel(name, 'webgpu'))
      tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: kernelFunc(name) });
  }
}

export function unregisterAttentionKernels(): void {
  for (const name of ATTENTION_KERNELS) {
    if (tf.getKernel(name, 'webgpu')) tf.unregisterKernel(name, 'webgpu');
  }
}
