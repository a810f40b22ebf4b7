/**
 * The dropout mask as a pure function of (element index, two 32-bit seeds): keep element i when
 * mix(mix(i ^ seed) ^ seed2) >= rate * 2^32, mix being the "lowbias32" integer hash. Every backend
 * computes the same mask from the same seeds (JavaScript here, WGSL on webgpu), the backward pass
 * recomputes it instead of storing it, and nothing but two numbers crosses to the device.
 */
import type { Rng } from '../rng.ts';

export const DROPOUT_KERNEL = 'SkillbenchDropout';

export interface DropoutAttrs {
  rate: number;
  seed: number;
  seed2: number;
}

export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seeds of one dropout mask, drawn from rng as every dropout site draws them (so the tfjs
 * composition and a fused kernel consume the rng alike); undefined when nothing is dropped (no
 * rng, i.e. evaluation, or rate 0).
 */
export function drawDropout(rate: number, rng: Rng | undefined): DropoutAttrs | undefined {
  return rng && rate > 0 ? { rate, seed: rng.nextUint32(), seed2: rng.nextUint32() } : undefined;
}

/** A mask as the WGSL kernels take it; without one, threshold 0 and keepScale 1 keep everything. */
export function maskUniforms(attrs: DropoutAttrs | undefined): {
  seed: number;
  seed2: number;
  threshold: number;
  keepScale: number;
} {
  if (!attrs) return { seed: 0, seed2: 0, threshold: 0, keepScale: 1 };
  return {
    seed: attrs.seed >>> 0,
    seed2: attrs.seed2 >>> 0,
    threshold: dropoutThreshold(attrs.rate),
    keepScale: 1 / (1 - attrs.rate),
  };
}

function dropoutThreshold(rate: number): number {
  return Math.min(0xffffffff, Math.floor(rate * 4294967296));
}

/** out[i] = keep(i) ? x[i] / (1 - rate) : 0 */
export function applyDropout(x: ArrayLike<number>, out: Float32Array, attrs: DropoutAttrs): void {
  const { seed, seed2, threshold, keepScale: scale } = maskUniforms(attrs);
  for (let i = 0; i < out.length; i++) {
    // mix32(mix32(i ^ seed) ^ seed2), inlined: this loop is a few percent of a CPU training step
    let h = (i ^ seed) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    h ^= seed2;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    out[i] = h >>> 0 >= threshold ? x[i] * scale : 0;
  }
}

/** mix32 in WGSL, for every kernel that computes a dropout mask on webgpu. */
export const MIX32_WGSL = `
  fn mix32(value : u32) -> u32 {
    var h = value;
    h = h ^ (h >> 16u);
    h = h * 0x7feb352du;
    h = h ^ (h >> 15u);
    h = h * 0x846ca68bu;
    h = h ^ (h >> 16u);
    return h;
  }
`;

/** The WGSL twin of applyDropout (tfjs-webgpu program body; `index` is the flat output index). */
export const DROPOUT_WGSL = `${MIX32_WGSL}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let h = mix32(mix32(u32(index) ^ uniforms.seed) ^ uniforms.seed2);
      let a = getAByOutputIndex(index);
      setOutputAtIndex(index, select(0.0, a * uniforms.scale, h >= uniforms.threshold));
    }
  }
`;
