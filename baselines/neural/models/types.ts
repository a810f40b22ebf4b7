import type * as tf from '@tensorflow/tfjs';

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
