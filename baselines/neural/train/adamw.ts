import * as tf from '@tensorflow/tfjs';
import { ADAM_MOMENT, ADAM_UPDATE } from '../backend/webgpu-kernels.ts';

/**
 * AdamW as torch.optim.AdamW computes it: decoupled weight decay (p -= lr * wd * p) and
 * bias-corrected moments, after optional global-norm clipping (torch's clip_grad_norm_).
 * Biases and LayerNorm weights are not decayed (transformers' usual grouping).
 *
 * The update runs on flat buffers: parameters are packed into groups of at most groupSize
 * values, and each group is updated with ~15 whole-buffer ops instead of ~15 ops per
 * parameter. That is ~10x fewer kernel launches (per-op overhead dominates on wasm, and
 * dispatches dominate on webgpu: bert-base has ~150 parameter tensors), while the group cap
 * keeps the temporary copies small enough for wasm's 4 GiB heap. On webgpu the moments are
 * updated flat (fused kernels) and each parameter is written by one kernel from them.
 */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** names that get weight decay (default: all but biases and LayerNorm weights) */
  decays?: (name: string) => boolean;
  /** most values in one flat group (default 16M = 64 MiB of float32) */
  groupSize?: number;
}

export const DEFAULT_DECAYS = (name: string): boolean => !/(\.bias|LayerNorm\.weight)$/.test(name);

export interface AdamWState {
  step: number;
  /** per parameter name: first and second moments */
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
}

interface Group {
  names: string[];
  sizes: number[];
  /** per name: whether it is decayed */
  decays: boolean[];
  /** 1 where the value is decayed, 0 elsewhere (absent when the whole group is alike) */
  decayMask?: tf.Tensor1D;
  decayAll: boolean;
  m: tf.Variable;
  v: tf.Variable;
}

export class AdamW {
  private step = 0;
  private readonly groups: Group[] = [];

  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly options: AdamWOptions,
  ) {
    const decays = options.decays ?? DEFAULT_DECAYS;
    const limit = options.groupSize ?? 16 * 1024 * 1024;
    let names: string[] = [];
    let size = 0;
    const close = () => {
      if (names.length > 0) this.groups.push(this.makeGroup(names, decays));
      names = [];
      size = 0;
    };
    for (const [name, p] of params) {
      if (size > 0 && size + p.size > limit) close();
      names.push(name);
      size += p.size;
    }
    close();
  }

  private makeGroup(names: string[], decays: (name: string) => boolean): Group {
    const sizes = names.map((n) => this.params.get(n)!.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const flags = names.map(decays);
    const decayAll = flags.every(Boolean);
    const noneDecay = flags.every((f) => !f);
    let decayMask: tf.Tensor1D | undefined;
    if (!decayAll && !noneDecay) {
      const mask = new Float32Array(total);
      let offset = 0;
      names.forEach((_, i) => {
        if (flags[i]) mask.fill(1, offset, offset + sizes[i]);
        offset += sizes[i];
      });
      decayMask = tf.tensor1d(mask);
    }
    return {
      names,
      sizes,
      decays: flags,
      decayMask: noneDecay ? tf.zeros([total]) : decayMask,
      decayAll,
      m: tf.tidy(() => tf.variable(tf.zeros([total]), false)),
      v: tf.tidy(() => tf.variable(tf.zeros([total]), false)),
    };
  }

  get steps(): number {
    return this.step;
  }

  /**
   * One update of every parameter (each must have a gradient). With clipNorm > 0 the
   * gradients are first scaled to a global norm of at most clipNorm; the norm before clipping
   * is returned (as a tensor: reading it is up to the caller).
   */
  apply(grads: Map<string, tf.Tensor>, lr: number, clipNorm = 0): { norm?: tf.Scalar } {
    this.step++;
    const { beta1, beta2, eps, weightDecay } = this.options;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    // p -= lr/c1 * m / (sqrt(v)/sqrt(c2) + eps), written as p -= stepSize * m / (sqrt(v) + eps*sqrt(c2))
    const stepSize = (lr / correction1) * Math.sqrt(correction2);
    const epsHat = eps * Math.sqrt(correction2);
    return tf.tidy(() => {
      const flat = this.groups.map((group) =>
        tf.concat(
          group.names.map((name) => {
            const g = grads.get(name);
            if (!g) throw new Error(`no gradient for ${name}`);
            return tf.reshape(g, [-1]);
          }),
        ),
      );
      let norm: tf.Scalar | undefined;
      let scale: tf.Scalar | undefined;
      if (clipNorm > 0) {
        norm = tf.sqrt(tf.addN(flat.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
        scale = tf.minimum(1, tf.div(clipNorm, tf.add(norm, 1e-6))) as tf.Scalar;
      }
      const fused = tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined;
      this.groups.forEach((group, i) => {
        if (fused) {
          // webgpu: 2 dispatches for the group's moments, then one per parameter that writes
          // its new value straight from the moments (no concatenated copy, no slices)
          const s = scale ? tf.reshape(scale, [1]) : tf.ones([1]);
          const moment = (M: tf.Tensor, beta: number, power: number) =>
            tf.engine().runKernel(ADAM_MOMENT, { M, G: flat[i], Scale: s }, { beta, power }) as tf.Tensor;
          const m = moment(group.m, beta1, 1);
          const v = moment(group.v, beta2, 2);
          let offset = 0;
          group.names.forEach((name, j) => {
            const variable = this.params.get(name)!;
            const attrs = { offset, decay: group.decays[j] ? lr * weightDecay : 0, stepSize, epsHat };
            variable.assign(
              tf.engine().runKernel(ADAM_UPDATE, { P: variable, M: m, V: v }, attrs) as tf.Tensor,
            );
            offset += group.sizes[j];
          });
          group.m.assign(m);
          group.v.assign(v);
          return;
        }
        const p = tf.concat(group.names.map((name) => tf.reshape(this.params.get(name)!, [-1])));
        const g = scale ? tf.mul(flat[i], scale) : flat[i];
        const m = tf.add(tf.mul(group.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(group.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        let decayed = p;
        if (weightDecay > 0) {
          decayed = group.decayAll
            ? tf.mul(p, 1 - lr * weightDecay)
            : tf.mul(p, tf.add(tf.mul(group.decayMask!, -lr * weightDecay), 1));
        }
        const next = tf.sub(decayed, tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), epsHat)));
        group.m.assign(m);
        group.v.assign(v);
        // slices rather than tf.split: contiguous slices are plain copies on every backend
        let offset = 0;
        group.names.forEach((name, j) => {
          const variable = this.params.get(name)!;
          variable.assign(tf.reshape(tf.slice(next, [offset], [group.sizes[j]]), variable.shape));
          offset += group.sizes[j];
        });
      });
      return norm ? { norm } : {};
    });
  }

  async exportState(): Promise<AdamWState> {
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const group of this.groups) {
      const m = (await group.m.data()) as Float32Array;
      const v = (await group.v.data()) as Float32Array;
      let offset = 0;
      group.names.forEach((name, i) => {
        const end = offset + group.sizes[i];
        moments.set(name, { m: m.slice(offset, end), v: v.slice(offset, end) });
        offset = end;
      });
    }
    return { step: this.step, moments };
  }

  importState(state: AdamWState): void {
    this.step = state.step;
    for (const group of this.groups) {
      const total = group.sizes.reduce((a, b) => a + b, 0);
      const m = new Float32Array(total);
      const v = new Float32Array(total);
      let offset = 0;
      group.names.forEach((name, i) => {
        const saved = state.moments.get(name);
        if (!saved || saved.m.length !== group.sizes[i])
          throw new Error(`optimizer state lacks ${name} or has another size`);
        m.set(saved.m, offset);
        v.set(saved.v, offset);
        offset += group.sizes[i];
      });
      tf.tidy(() => {
        group.m.assign(tf.tensor1d(m));
        group.v.assign(tf.tensor1d(v));
      });
    }
  }

  dispose(): void {
    for (const group of this.groups) {
      group.m.dispose();
      group.v.dispose();
      group.decayMask?.dispose();
    }
  }
}
