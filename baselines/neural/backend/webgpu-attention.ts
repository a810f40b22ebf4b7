import * as tf from '@tensorflow/tfjs';
import type { WebGpuBackendLike } from './webgpu-kernels.ts';

/**
 * Fused multi-head self-attention for the webgpu backend (used by ops/attention.ts): the
 * composition costs ~24 dispatches per BERT layer (head transposes, two batched products,
 * scale, mask, softmax, dropout, and their gradients); these six kernels do it in 2 forward
 * and 4 backward, reading q, k, v in the [B*T, hidden] layout the linear layers produce.
 *
 * One thread per (batch, head, query row) or (batch, head, key row) loops over the other
 * axis with the head's dh values in registers. Simple rather than tiled: at BERT's lengths
 * (T <= 128) attention is ~2% of a layer's FLOPs, and launch count is what costs time.
 */
export const ATTENTION_LSE = 'SkillbenchAttentionLse';
export const ATTENTION_CONTEXT = 'SkillbenchAttentionContext';
export const ATTENTION_DELTA = 'SkillbenchAttentionDelta';
export const ATTENTION_DQ = 'SkillbenchAttentionDq';
export const ATTENTION_DK = 'SkillbenchAttentionDk';
export const ATTENTION_DV = 'SkillbenchAttentionDv';
export const ATTENTION_KERNELS = [
  ATTENTION_LSE,
  ATTENTION_CONTEXT,
  ATTENTION_DELTA,
  ATTENTION_DQ,
  ATTENTION_DK,
  ATTENTION_DV,
];

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
const PRELUDE = `
  fn mix32(value : u32) -> u32 {
    var h = value;
    h = h ^ (h >> 16u);
    h = h * 0x7feb352du;
    h = h ^ (h >> 15u);
    h = h * 0x846ca68bu;
    h = h ^ (h >> 16u);
    return h;
  }
  // offset of head hh of token t of sequence b in a [B*T, heads*DH] tensor
  fn headBase(b : i32, t : i32, hh : i32) -> i32 {
    return (b * uniforms.length + t) * (uniforms.heads * DH) + hh * DH;
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
  // q_i . k_j / sqrt(dh) + mask_j
  fn score(qBase : i32, kBase : i32, maskIndex : i32) -> f32 {
    var s = 0.0;
    for (var c = 0; c < DH; c++) { s += Q[qBase + c] * K[kBase + c]; }
    return s * uniforms.scale + Mask[maskIndex];
  }
`;

const DY_DOT_V = `
  fn dyDotV(dyBase : i32, vBase : i32) -> f32 {
    var s = 0.0;
    for (var c = 0; c < DH; c++) { s += Dy[dyBase + c] * V[vBase + c]; }
    return s;
  }
`;

/** index -> (b, hh, r): thread `index` owns row r of head hh of sequence b */
const DECODE = `
    if (index >= uniforms.threads) { return; }
    let T = uniforms.length;
    let r = index % T;
    let hh = (index / T) % uniforms.heads;
    let b = index / (T * uniforms.heads);
`;

interface KernelSource {
  inputs: string[];
  /** true: output [B*T, hidden]; false: one value per (b, head, row) */
  perElement: boolean;
  code: string;
}

const SOURCES: Record<string, KernelSource> = {
  [ATTENTION_LSE]: {
    inputs: ['Q', 'K', 'Mask'],
    perElement: false,
    // log-sum-exp of the scores of query row r (online max)
    code: `${SCORE}
  fn main(index : i32) {${DECODE}
    let qBase = headBase(b, r, hh);
    var m = -3.0e38;
    var l = 0.0;
    for (var j = 0; j < T; j++) {
      let s = score(qBase, headBase(b, j, hh), b * T + j);
      if (s > m) { l = l * exp(m - s); m = s; }
      l += exp(s - m);
    }
    result[index] = m + log(l);
  }`,
  },
  [ATTENTION_CONTEXT]: {
    inputs: ['Q', 'K', 'V', 'Mask', 'Lse'],
    perElement: true,
    code: `${SCORE}
  fn main(index : i32) {${DECODE}
    let qBase = headBase(b, r, hh);
    let lse = Lse[index];
    var acc : array<f32, DH>;
    for (var j = 0; j < T; j++) {
      let kBase = headBase(b, j, hh);
      let p = exp(score(qBase, kBase, b * T + j) - lse) * keepScale(b, hh, r, j);
      for (var c = 0; c < DH; c++) { acc[c] += p * V[kBase + c]; }
    }
    for (var c = 0; c < DH; c++) { result[qBase + c] = acc[c]; }
  }`,
  },
  [ATTENTION_DELTA]: {
    inputs: ['Dy', 'Context'],
    perElement: false,
    // rowsum(dO * O) of query row r: the softmax-gradient correction
    code: `
  fn main(index : i32) {${DECODE}
    let base = headBase(b, r, hh);
    var s = 0.0;
    for (var c = 0; c < DH; c++) { s += Dy[base + c] * Context[base + c]; }
    result[index] = s;
  }`,
  },
  [ATTENTION_DQ]: {
    inputs: ['Q', 'K', 'V', 'Mask', 'Lse', 'Delta', 'Dy'],
    perElement: true,
    code: `${SCORE}${DY_DOT_V}
  fn main(index : i32) {${DECODE}
    let qBase = headBase(b, r, hh);
    let lse = Lse[index];
    let delta = Delta[index];
    var acc : array<f32, DH>;
    for (var j = 0; j < T; j++) {
      let kBase = headBase(b, j, hh);
      let p = exp(score(qBase, kBase, b * T + j) - lse);
      let ds = p * (keepScale(b, hh, r, j) * dyDotV(qBase, kBase) - delta);
      for (var c = 0; c < DH; c++) { acc[c] += ds * K[kBase + c]; }
    }
    for (var c = 0; c < DH; c++) { result[qBase + c] = acc[c] * uniforms.scale; }
  }`,
  },
  [ATTENTION_DK]: {
    inputs: ['Q', 'K', 'V', 'Mask', 'Lse', 'Delta', 'Dy'],
    perElement: true,
    // thread owns key row r and loops over the query rows i
    code: `${SCORE}${DY_DOT_V}
  fn main(index : i32) {${DECODE}
    let kBase = headBase(b, r, hh);
    let rowStart = (b * uniforms.heads + hh) * T;
    var acc : array<f32, DH>;
    for (var i = 0; i < T; i++) {
      let qBase = headBase(b, i, hh);
      let p = exp(score(qBase, kBase, b * T + r) - Lse[rowStart + i]);
      let ds = p * (keepScale(b, hh, i, r) * dyDotV(qBase, kBase) - Delta[rowStart + i]);
      for (var c = 0; c < DH; c++) { acc[c] += ds * Q[qBase + c]; }
    }
    for (var c = 0; c < DH; c++) { result[kBase + c] = acc[c] * uniforms.scale; }
  }`,
  },
  [ATTENTION_DV]: {
    inputs: ['Q', 'K', 'Mask', 'Lse', 'Dy'],
    perElement: true,
    code: `${SCORE}
  fn main(index : i32) {${DECODE}
    let vBase = headBase(b, r, hh);
    let rowStart = (b * uniforms.heads + hh) * T;
    var acc : array<f32, DH>;
    for (var i = 0; i < T; i++) {
      let qBase = headBase(b, i, hh);
      let p = exp(score(qBase, vBase, b * T + r) - Lse[rowStart + i]) * keepScale(b, hh, i, r);
      for (var c = 0; c < DH; c++) { acc[c] += p * Dy[qBase + c]; }
    }
    for (var c = 0; c < DH; c++) { result[vBase + c] = acc[c]; }
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
    const threads = a.batch * a.heads * a.length;
    const outputShape = source.perElement ? [a.batch * a.length, a.heads * a.headSize] : [threads];
    const program = {
      variableNames: source.inputs,
      outputShape,
      // the head size is baked into the shader (register arrays need a constant length)
      shaderKey: `${name}_${a.headSize}`,
      dispatchLayout: { x: outputShape.map((_, i) => i) },
      dispatch: [Math.ceil(threads / WORKGROUP), 1, 1] as [number, number, number],
      workgroupSize: [WORKGROUP, 1, 1] as [number, number, number],
      uniforms:
        'threads : i32, length : i32, heads : i32, seed : u32, seed2 : u32, threshold : u32, scale : f32, keepScale : f32,',
      getUserCode: () => `const DH : i32 = ${a.headSize};\n${PRELUDE}${source.code}`,
    };
    return (backend as WebGpuBackendLike).runWebGPUProgram(program, tensors, 'float32', [
      { type: 'int32', data: [threads] },
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
