import * as tf from '@tensorflow/tfjs';
import {
  LAYER_NORM,
  LAYER_NORM_GAMMA_TERM,
  LAYER_NORM_GRAD,
  RESIDUAL_LAYER_NORM,
  RESIDUAL_LAYER_NORM_GAMMA_TERM,
  RESIDUAL_LAYER_NORM_GRAD,
} from '../backend/webgpu-kernels.ts';
import type { Rng } from '../rng.ts';
import { applyDropoutMask, dropout } from './dropout.ts';
import { drawDropout, maskUniforms } from './dropout-hash.ts';
import { sumRows } from './sum-rows.ts';

/**
 * LayerNorm over the last axis, as torch.nn.LayerNorm computes it (biased variance, eps inside
 * the root), with a hand-written gradient: autodiff through tf.moments dispatches about twice as
 * many kernels, which is what costs time on wasm (per-op overhead) and webgpu (per-dispatch).
 *   xhat = (x - mean) / sqrt(var + eps),  y = xhat * gamma + beta
 *   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  if (tf.getKernel(LAYER_NORM, tf.getBackend())) return fusedLayerNorm(x, gamma, beta, eps);
  const run = tf.customGrad((input, scale, shift, save) => {
    const x = input as tf.Tensor;
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(centered, rstd);
    (save as tf.GradSaveFunc)([xhat, rstd, scale as tf.Tensor]);
    return {
      value: tf.add(tf.mul(xhat, scale as tf.Tensor), shift as tf.Tensor),
      gradFunc: (dy, saved) => {
        const [xhat, rstd, scale] = saved;
        const dyt = dy as tf.Tensor;
        const g = tf.mul(dyt, scale);
        const dx = tf.mul(
          rstd,
          tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))),
        );
        return [dx, sumRows(tf.mul(dyt, xhat)), sumRows(dyt)];
      },
    };
  });
  return run(x, gamma, beta);
}

/** The same function with the fused webgpu kernels (backend/webgpu-kernels.ts): 1 dispatch forward, 4 backward. */
function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const width = x.shape[x.rank - 1];
  const rows = x.size / width;
  const run = tf.customGrad((input, scale, shift, save) => {
    const x2 = tf.reshape(input as tf.Tensor, [rows, width]);
    (save as tf.GradSaveFunc)([x2, scale as tf.Tensor]);
    const y = tf
      .engine()
      .runKernel(LAYER_NORM, { X: x2, Gamma: scale as tf.Tensor, Beta: shift as tf.Tensor }, { eps });
    return {
      value: tf.reshape(y as tf.Tensor, x.shape),
      gradFunc: (dy, [x2, scale]) => {
        const dy2 = tf.reshape(dy as tf.Tensor, [rows, width]);
        const dx = tf
          .engine()
          .runKernel(LAYER_NORM_GRAD, { X: x2, Gamma: scale, Dy: dy2 }, { eps }) as tf.Tensor;
        const term = tf.engine().runKernel(LAYER_NORM_GAMMA_TERM, { X: x2, Dy: dy2 }, { eps }) as tf.Tensor;
        return [tf.reshape(dx, x.shape), sumRows(term), sumRows(dy2)];
      },
    };
  });
  return run(x, gamma, beta);
}

/**
 * LN(dropout(y) + residual): the end of every BERT sublayer. On webgpu one dispatch forward
 * instead of three (dropout, add, LayerNorm), the backward kernels recomputing the sum from y
 * and residual; elsewhere exactly the composition. Both draw the dropout seeds as ops/dropout.ts
 * does, so they drop the same elements for the same rng.
 */
export function residualLayerNorm(
  y: tf.Tensor,
  residual: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
  dropoutRate: number,
  rng: Rng | undefined,
): tf.Tensor {
  if (!tf.getKernel(RESIDUAL_LAYER_NORM, tf.getBackend())) {
    return layerNorm(tf.add(dropout(y, dropoutRate, rng), residual), gamma, beta, eps);
  }
  const mask = drawDropout(dropoutRate, rng);
  const attrs = { eps, ...maskUniforms(mask) };
  const width = y.shape[y.rank - 1];
  const rows = y.size / width;
  const run = tf.customGrad((yIn, rIn, scale, shift, save) => {
    const Y = tf.reshape(yIn as tf.Tensor, [rows, width]);
    const R = tf.reshape(rIn as tf.Tensor, [rows, width]);
    (save as tf.GradSaveFunc)([Y, R, scale as tf.Tensor]);
    const out = tf
      .engine()
      .runKernel(RESIDUAL_LAYER_NORM, { Y, R, Gamma: scale as tf.Tensor, Beta: shift as tf.Tensor }, attrs);
    return {
      value: tf.reshape(out as tf.Tensor, y.shape),
      gradFunc: (dy, [Y, R, scale]) => {
        const Dy = tf.reshape(dy as tf.Tensor, [rows, width]);
        const ds = tf
          .engine()
          .runKernel(RESIDUAL_LAYER_NORM_GRAD, { Y, R, Gamma: scale, Dy }, attrs) as tf.Tensor;
        const term = tf.engine().runKernel(RESIDUAL_LAYER_NORM_GAMMA_TERM, { Y, R, Dy }, attrs) as tf.Tensor;
        const dY = mask ? applyDropoutMask(ds, mask) : ds;
        return [tf.reshape(dY, y.shape), tf.reshape(ds, residual.shape), sumRows(term), sumRows(Dy)];
      },
    };
  });
  return run(y, residual, gamma, beta);
}
