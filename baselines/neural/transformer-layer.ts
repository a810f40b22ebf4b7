import type * as tf from '@tensorflow/tfjs';
import { residualLayerNorm } from './ops/layer-norm.ts';
import { linear } from './ops/linear.ts';
import { joinedLinearSpecs, layerNormSpecs, linearSpecs, type ParamSpec } from './params.ts';
import type { Rng } from './rng.ts';

export interface LayerTailSettings {
  eps: number;
  activation: (x: tf.Tensor) => tf.Tensor;
  hiddenDropout: number;
}

/**
 * What follows self-attention in a BERT-family encoder layer (BERT's and DeBERTa's
 * SelfOutput, Intermediate and Output), post-LN, under transformers' names below `layer`
 * (e.g. "encoder.layer.3."): x = LN(x + dropout(dense(context))); x = LN(x + dropout(out(act(in(x))))).
 */
export function attentionOutputAndFeedForward(
  context: tf.Tensor,
  x: tf.Tensor,
  param: (name: string) => tf.Tensor,
  layer: string,
  settings: LayerTailSettings,
  rng: Rng | undefined,
): tf.Tensor {
  const { eps, activation, hiddenDropout } = settings;
  const attended = residualLayerNorm(
    linear(
      context,
      param(`${layer}attention.output.dense.weight`),
      param(`${layer}attention.output.dense.bias`),
    ),
    x,
    param(`${layer}attention.output.LayerNorm.weight`),
    param(`${layer}attention.output.LayerNorm.bias`),
    eps,
    hiddenDropout,
    rng,
  );
  const inner = activation(
    linear(attended, param(`${layer}intermediate.dense.weight`), param(`${layer}intermediate.dense.bias`)),
  );
  return residualLayerNorm(
    linear(inner, param(`${layer}output.dense.weight`), param(`${layer}output.dense.bias`)),
    attended,
    param(`${layer}output.LayerNorm.weight`),
    param(`${layer}output.LayerNorm.bias`),
    eps,
    hiddenDropout,
    rng,
  );
}

/**
 * One BERT-family encoder layer's parameters under `layer` (e.g. "bert.encoder.layer.3"): the
 * query | key | value projections joined into one `attention.self.qkv` parameter (their
 * checkpoint names are `attention.self.<part>`, e.g. query / key / value for BERT,
 * query_proj / key_proj / value_proj for DeBERTa), then what attentionOutputAndFeedForward reads.
 */
export function encoderLayerSpecs(
  layer: string,
  hidden: number,
  inner: number,
  qkvParts: string[],
): ParamSpec[] {
  return [
    ...joinedLinearSpecs(
      `${layer}.attention.self.qkv`,
      qkvParts.map((part) => `${layer}.attention.self.${part}`),
      hidden,
      hidden,
    ),
    ...linearSpecs(`${layer}.attention.output.dense`, hidden, hidden),
    ...layerNormSpecs(`${layer}.attention.output.LayerNorm`, hidden),
    ...linearSpecs(`${layer}.intermediate.dense`, hidden, inner),
    ...linearSpecs(`${layer}.output.dense`, inner, hidden),
    ...layerNormSpecs(`${layer}.output.LayerNorm`, hidden),
  ];
}
