import * as tf from '@tensorflow/tfjs';
import { applyDropout, MIX32_WGSL, maskUniforms } from '../ops/dropout-hash.ts';

/**
 * Fused WebGPU kernels for the ops whose tfjs compositions cost the most dispatches per BERT
 * step (webgpu-on-gpu.md: the step is dispatch-bound, ~0.1 ms per kernel): LayerNorm forward
 * and input gradient and the LayerNorm gamma-gradient term (plain, and in the residual form
 * LN(dropout(y) + r) that replaces three kernels forward), exact-erf GELU forward and gradient,
 * and AdamW's moment and parameter updates on flat buffers. Each replaces 3-11 tfjs kernels
 * with one. The ops in ../ops use them when they are registered for the current backend, and
 * their tfjs compositions otherwise. (Self-attention: webgpu-attention.ts.)
 *
 * Row kernels run one thread per row of [rows, width] (simple, and enough where launch overhead
 * dominates); elementwise kernels one thread per element.
 */
export const LAYER_NORM = 'SkillbenchLayerNorm';
export const LAYER_NORM_GRAD = 'SkillbenchLayerNormGrad';
export const LAYER_NORM_GAMMA_TERM = 'SkillbenchLayerNormGammaTerm';
export const RESIDUAL_LAYER_NORM = 'SkillbenchResidualLayerNorm';
export const RESIDUAL_LAYER_NORM_GRAD = 'SkillbenchResidualLayerNormGrad';
export const RESIDUAL_LAYER_NORM_GAMMA_TERM = 'SkillbenchResidualLayerNormGammaTerm';
export const GELU = 'SkillbenchGelu';
export const GELU_GRAD = 'SkillbenchGeluGrad';
export const ADAM_MOMENT = 'SkillbenchAdamMoment';
export const ADAM_UPDATE = 'SkillbenchAdamUpdate';

/** The part of tfjs-backend-webgpu's backend the custom kernels call. */
export interface WebGpuBackendLike {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[],
  ): tf.TensorInfo;
}

const WORKGROUP = 64;

/**
 * What a LayerNorm kernel normalises, element i of [rows, width]: X itself, or, in the residual
 * form, dropout(Y) + R (BERT's LN(dropout(sublayer) + x) in one pass; the dropout mask is
 * ops/dropout-hash.ts's over Y's flat index, so the gradient kernels recompute the sum).
 */
const PLAIN_VALUE = `
  fn value(i : i32) -> f32 { return X[i]; }
`;
const RESIDUAL_VALUE = `${MIX32_WGSL}
  fn value(i : i32) -> f32 {
    let h = mix32(mix32(u32(i) ^ uniforms.seed) ^ uniforms.seed2);
    return select(0.0, Y[i] * uniforms.keepScale, h >= uniforms.threshold) + R[i];
  }
`;

/**
 * The part every LayerNorm kernel shares: one thread per row of value(), which computes the
 * row's mean and 1 / std and hands them to the kernel's own `row` function.
 */
const ROW_STATS = `
  fn main(index : i32) {
    if (index >= uniforms.rows) { return; }
    let width = uniforms.width;
    let base = index * width;
    var sum = 0.0;
    for (var i = 0; i < width; i++) { sum += value(base + i); }
    let mean = sum / f32(width);
    var squares = 0.0;
    for (var i = 0; i < width; i++) { let d = value(base + i) - mean; squares += d * d; }
    row(base, width, mean, inverseSqrt(squares / f32(width) + uniforms.eps));
  }
`;

const LAYER_NORM_CODE = `${ROW_STATS}
  fn row(base : i32, width : i32, mean : f32, rstd : f32) {
    for (var i = 0; i < width; i++) {
      result[base + i] = (value(base + i) - mean) * rstd * Gamma[i] + Beta[i];
    }
  }`;

const LAYER_NORM_GRAD_CODE = `${ROW_STATS}
  // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma
  fn row(base : i32, width : i32, mean : f32, rstd : f32) {
    var meanG = 0.0;
    var meanGX = 0.0;
    for (var i = 0; i < width; i++) {
      let g = Dy[base + i] * Gamma[i];
      meanG += g;
      meanGX += g * (value(base + i) - mean) * rstd;
    }
    meanG = meanG / f32(width);
    meanGX = meanGX / f32(width);
    for (var i = 0; i < width; i++) {
      let g = Dy[base + i] * Gamma[i];
      result[base + i] = rstd * (g - meanG - (value(base + i) - mean) * rstd * meanGX);
    }
  }`;

const LAYER_NORM_GAMMA_TERM_CODE = `${ROW_STATS}
  // dy * xhat, whose column sums are the gamma gradient
  fn row(base : i32, width : i32, mean : f32, rstd : f32) {
    for (var i = 0; i < width; i++) {
      result[base + i] = Dy[base + i] * (value(base + i) - mean) * rstd;
    }
  }`;

const ERF = `
  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7 (tfjs's own Erf uses the same formula)
  fn erfApprox(x : f32) -> f32 {
    let t = 1.0 / (1.0 + 0.3275911 * abs(x));
    let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
    return sign(x) * (1.0 - poly * exp(-x * x));
  }
`;

interface KernelSource {
  inputs: string[];
  /** one thread per row of [rows, width] (uniforms rows, width, eps and the residual dropout) */
  perRow: boolean;
  code: string;
  /** elementwise kernels: their own uniforms, from the attrs of the same names */
  uniforms?: Record<string, 'f32' | 'i32'>;
}

const SOURCES: Record<string, KernelSource> = {
  [ADAM_MOMENT]: {
    inputs: ['M', 'G', 'Scale'],
    perRow: false,
    uniforms: { beta: 'f32', power: 'f32' },
    // beta * m + (1 - beta) * (g * scale)^power: the first (power 1) or second (power 2) moment
    code: `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let g = G[index] * Scale[0];
      let term = select(g, g * g, uniforms.power > 1.5);
      result[index] = uniforms.beta * M[index] + (1.0 - uniforms.beta) * term;
    }
  }`,
  },
  [ADAM_UPDATE]: {
    inputs: ['P', 'M', 'V'],
    perRow: false,
    uniforms: { offset: 'i32', decay: 'f32', stepSize: 'f32', epsHat: 'f32' },
    // one parameter of a flat group, whose moments start at `offset` in M and V: decoupled
    // weight decay, then the bias-corrected Adam step (the result replaces the parameter)
    code: `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let j = uniforms.offset + index;
      let p = P[index] * (1.0 - uniforms.decay);
      result[index] = p - uniforms.stepSize * M[j] / (sqrt(V[j]) + uniforms.epsHat);
    }
  }`,
  },
  [LAYER_NORM]: { inputs: ['X', 'Gamma', 'Beta'], perRow: true, code: PLAIN_VALUE + LAYER_NORM_CODE },
  [LAYER_NORM_GRAD]: { inputs: ['X', 'Gamma', 'Dy'], perRow: true, code: PLAIN_VALUE + LAYER_NORM_GRAD_CODE },
  [LAYER_NORM_GAMMA_TERM]: {
    inputs: ['X', 'Dy'],
    perRow: true,
    code: PLAIN_VALUE + LAYER_NORM_GAMMA_TERM_CODE,
  },
  [RESIDUAL_LAYER_NORM]: {
    inputs: ['Y', 'R', 'Gamma', 'Beta'],
    perRow: true,
    code: RESIDUAL_VALUE + LAYER_NORM_CODE,
  },
  [RESIDUAL_LAYER_NORM_GRAD]: {
    inputs: ['Y', 'R', 'Gamma', 'Dy'],
    perRow: true,
    code: RESIDUAL_VALUE + LAYER_NORM_GRAD_CODE,
  },
  [RESIDUAL_LAYER_NORM_GAMMA_TERM]: {
    inputs: ['Y', 'R', 'Dy'],
    perRow: true,
    code: RESIDUAL_VALUE + LAYER_NORM_GAMMA_TERM_CODE,
  },
  [GELU]: {
    inputs: ['X'],
    perRow: false,
    code: `${ERF}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let x = X[index];
      result[index] = 0.5 * x * (1.0 + erfApprox(x * 0.7071067811865476));
    }
  }`,
  },
  [GELU_GRAD]: {
    inputs: ['X', 'Dy'],
    perRow: false,
    code: `${ERF}
  // d/dx x * Phi(x) = Phi(x) + x * phi(x)
  fn main(index : i32) {
    if (index < uniforms.size) {
      let x = X[index];
      let cdf = 0.5 * (1.0 + erfApprox(x * 0.7071067811865476));
      let pdf = exp(-0.5 * x * x) * 0.3989422804014327;
      result[index] = Dy[index] * (cdf + x * pdf);
    }
  }`,
  },
};

function kernelFunc(name: string): tf.KernelFunc {
  const source = SOURCES[name];
  return ({ inputs, backend, attrs }) => {
    const tensors = source.inputs.map((input) => (inputs as Record<string, tf.TensorInfo>)[input]);
    const shape = [...tensors[0].shape];
    const width = shape[shape.length - 1];
    const size = shape.reduce((a, b) => a * b, 1);
    const threads = source.perRow ? size / width : size;
    const program = {
      variableNames: source.inputs,
      outputShape: shape,
      shaderKey: name,
      dispatchLayout: { x: shape.map((_, i) => i) },
      dispatch: [Math.ceil(threads / WORKGROUP), 1, 1] as [number, number, number],
      workgroupSize: [WORKGROUP, 1, 1] as [number, number, number],
      size: true,
      uniforms: source.perRow
        ? 'rows : i32, width : i32, eps : f32, seed : u32, seed2 : u32, threshold : u32, keepScale : f32,'
        : Object.entries(source.uniforms ?? {})
            .map(([u, type]) => `${u} : ${type},`)
            .join(' '),
      getUserCode: () => source.code,
    };
    const values = (attrs ?? {}) as Record<string, number>;
    const uniforms = source.perRow
      ? [
          { type: 'int32', data: [threads] },
          { type: 'int32', data: [width] },
          { type: 'float32', data: [values.eps ?? 0] },
          // the residual form's dropout (ops/layer-norm.ts); threshold 0 keeps everything
          { type: 'uint32', data: [(values.seed ?? 0) >>> 0] },
          { type: 'uint32', data: [(values.seed2 ?? 0) >>> 0] },
          { type: 'uint32', data: [(values.threshold ?? 0) >>> 0] },
          { type: 'float32', data: [values.keepScale ?? 1] },
        ]
      : Object.entries(source.uniforms ?? {}).map(([u, type]) => ({
          type: type === 'i32' ? 'int32' : 'float32',
          data: [values[u]],
        }));
    return (backend as WebGpuBackendLike).runWebGPUProgram(program, tensors, 'float32', uniforms);
  };
}

/**
 * Registers the fused kernels on webgpu and checks each against the tfjs composition it
 * replaces on a small random input; a kernel that disagrees (or fails) is removed again.
 * Returns what was installed and what was not, for the run record.
 */
export async function installWebGpuKernels(verify: boolean): Promise<string[]> {
  const installed: string[] = [];
  for (const name of Object.keys(SOURCES)) {
    if (!tf.getKernel(name, 'webgpu'))
      tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: kernelFunc(name) });
    const problem = verify ? await selfTest(name) : undefined;
    if (problem) {
      tf.unregisterKernel(name, 'webgpu');
      installed.push(`${name}:failed-self-test (${problem})`);
    } else installed.push(`${name}:wgsl${verify ? '' : ' (unverified)'}`);
  }
  return installed;
}

/** What the self-test feeds each kernel: its inputs and attributes. */
const TEST_DROPOUT = { rate: 0.3, seed: 0x9e3779b9, seed2: 4242 };
const RESIDUAL_TEST_ATTRS = { eps: 1e-5, ...maskUniforms(TEST_DROPOUT) };
const TEST_ATTRS: Record<string, tf.NamedAttrMap> = {
  [ADAM_MOMENT]: { beta: 0.99, power: 2 },
  [ADAM_UPDATE]: { offset: 24, decay: 0.001, stepSize: 0.01, epsHat: 1e-8 },
  [RESIDUAL_LAYER_NORM]: RESIDUAL_TEST_ATTRS,
  [RESIDUAL_LAYER_NORM_GRAD]: RESIDUAL_TEST_ATTRS,
  [RESIDUAL_LAYER_NORM_GAMMA_TERM]: RESIDUAL_TEST_ATTRS,
};
/** The residual kernels compute their plain twin on dropout(Y) + R. */
const PLAIN_TWIN: Record<string, string> = {
  [RESIDUAL_LAYER_NORM]: LAYER_NORM,
  [RESIDUAL_LAYER_NORM_GRAD]: LAYER_NORM_GRAD,
  [RESIDUAL_LAYER_NORM_GAMMA_TERM]: LAYER_NORM_GAMMA_TERM,
};

/** The reference each kernel must match, written with plain tfjs ops. */
function reference(
  name: string,
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  dy: tf.Tensor2D,
  eps: number,
) {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  const xhat = tf.mul(tf.sub(x, mean), rstd);
  switch (name) {
    case LAYER_NORM:
      return tf.add(tf.mul(xhat, gamma), beta);
    case LAYER_NORM_GRAD: {
      const g = tf.mul(dy, gamma);
      return tf.mul(
        rstd,
        tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))),
      );
    }
    case LAYER_NORM_GAMMA_TERM:
      return tf.mul(dy, xhat);
    case GELU:
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
    case ADAM_MOMENT: // M = x, G = dy, Scale = gamma[0]
      return tf.add(tf.mul(x, 0.99), tf.mul(tf.square(tf.mul(dy, tf.slice(gamma, [0], [1]))), 0.01));
    case ADAM_UPDATE: {
      // P = x; M and V hold dy and |dy| one row after their start (offset 24)
      return tf.sub(tf.mul(x, 1 - 0.001), tf.div(tf.mul(dy, 0.01), tf.add(tf.sqrt(tf.abs(dy)), 1e-8)));
    }
    default: {
      const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return tf.mul(dy, tf.add(cdf, tf.mul(x, pdf)));
    }
  }
}

async function selfTest(name: string): Promise<string | undefined> {
  const eps = 1e-5;
  const made: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    let x = keep(tf.randomNormal([37, 24], 0.3, 1.5, 'float32', 1) as tf.Tensor2D);
    const gamma = keep(tf.randomNormal([24], 1, 0.2, 'float32', 2) as tf.Tensor1D);
    const beta = keep(tf.randomNormal([24], 0, 0.2, 'float32', 3) as tf.Tensor1D);
    const dy = keep(tf.randomNormal([37, 24], 0, 1, 'float32', 4) as tf.Tensor2D);
    const all: Record<string, tf.Tensor> = { X: x, Gamma: gamma, Beta: beta, Dy: dy };
    if (name === ADAM_MOMENT) Object.assign(all, { M: x, G: dy, Scale: keep(tf.slice(gamma, [0], [1])) });
    if (name === ADAM_UPDATE) {
      const atOffset = (t: tf.Tensor) =>
        keep(tf.tidy(() => tf.concat([tf.zeros([24]), tf.reshape(t, [-1]), tf.zeros([5])])));
      Object.assign(all, { P: x, M: atOffset(dy), V: atOffset(keep(tf.abs(dy))) });
    }
    if (PLAIN_TWIN[name]) {
      // Y = x, R another input; the reference normalises x * mask + R, the mask from JavaScript
      const r = keep(tf.randomNormal([37, 24], 0, 1, 'float32', 5));
      const mask = new Float32Array(x.size);
      applyDropout(new Float32Array(x.size).fill(1), mask, TEST_DROPOUT);
      Object.assign(all, { Y: x, R: r });
      x = keep(tf.tidy(() => tf.add(tf.mul(all.Y, tf.tensor(mask, x.shape)), r)) as tf.Tensor2D);
    }
    const inputs = Object.fromEntries(SOURCES[name].inputs.map((input) => [input, all[input]]));
    const got = keep(tf.engine().runKernel(name, inputs, TEST_ATTRS[name] ?? { eps }) as tf.Tensor);
    const expected = keep(tf.tidy(() => reference(PLAIN_TWIN[name] ?? name, x, gamma, beta, dy, eps)));
    const [a, b] = await Promise.all([got.data(), expected.data()]);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst < 1e-4 ? undefined : `max |difference| ${worst.toExponential(2)}`;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  } finally {
    tf.dispose(made);
  }
}
