import * as tf from '@tensorflow/tfjs';
import type { AdamW } from './adamw.ts';

/**
 * One optimisation step: loss and gradients of every parameter, then AdamW (with global-norm
 * clipping when clipNorm > 0). Returns the loss and the gradient norm as tensors, so the caller
 * decides when to read them back (each read is a sync point on a GPU).
 */
export function trainStep(
  loss: () => tf.Scalar,
  params: Map<string, tf.Variable>,
  optimizer: AdamW,
  lr: number,
  clipNorm: number,
): { loss: tf.Scalar; norm?: tf.Scalar } {
  const nameOf = new Map([...params].map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(loss, [...params.values()]);
  const byName = new Map(Object.entries(grads).map(([variableName, g]) => [nameOf.get(variableName)!, g]));
  const { norm } = optimizer.apply(byName, lr, clipNorm);
  tf.dispose([...byName.values()]);
  return norm ? { loss: value, norm } : { loss: value };
}
