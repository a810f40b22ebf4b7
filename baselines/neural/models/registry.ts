import type * as tf from '@tensorflow/tfjs';
import { InputError } from '../../../harness/util/errors.ts';
import { readModelConfig } from '../hf/checkpoint.ts';
import { loadBertForward } from './bert-forward.ts';

/** A checkpoint ready to run: what `skillbench model forward` needs from every architecture. */
export interface ForwardModel {
  /** e.g. "bert BertForTokenClassification (2 layers, hidden 64, 5 labels)" */
  description: string;
  vocabSize: number;
  maxLength: number;
  forward(inputs: ForwardInputs): ForwardOutputs;
  dispose(): void;
}

export interface ForwardInputs {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
}

export interface ForwardOutputs {
  lastHiddenState: tf.Tensor;
  /** only for checkpoints with a head that produces them */
  logits?: tf.Tensor;
}

export type ForwardLoader = (dir: string, config: Record<string, unknown>) => ForwardModel;

/** Loaders by config.json's model_type; DeBERTa and Llama register here when they exist. */
const loaders = new Map<string, ForwardLoader>([['bert', loadBertForward]]);

export function registerForwardLoader(modelType: string, loader: ForwardLoader): void {
  loaders.set(modelType, loader);
}

export function loadForwardModel(dir: string): ForwardModel {
  const config = readModelConfig(dir);
  const modelType = String(config.model_type ?? '');
  const loader = loaders.get(modelType);
  if (!loader) {
    throw new InputError(
      `model_type "${modelType}" is not supported yet (supported: ${[...loaders.keys()].join(', ')})`,
      `${dir}/config.json`,
    );
  }
  return loader(dir, config);
}
