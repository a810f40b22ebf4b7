import * as tf from '@tensorflow/tfjs';
import { maskedBinaryCrossEntropySum } from '../neural/ops/binary-cross-entropy.ts';
import type { ParamSpec, Params } from '../neural/params.ts';
import type { Rng } from '../neural/rng.ts';
import type { WordTokenizer } from '../neural/tokenizers/word-tokenizer.ts';
import type { GlinerConfig } from './config.ts';
import { type Capture, headSpecs, headsForward, lossMask } from './heads.ts';
import type { GlinerBatch, PromptSettings } from './inputs.ts';
import { promptSettings } from './inputs.ts';

/** GLiNER's backbone prefix: token_rep_layer.bert_layer.model.<transformers names>. */
export const ENCODER_PREFIX = 'token_rep_layer.bert_layer.model.';

/** The backbone as the span model sees it: last hidden state of ids and mask, parameters under GLiNER's names. */
export interface GlinerEncoder {
  readonly params: Params;
  readonly specs: ParamSpec[];
  readonly hiddenSize: number;
  /** the backbone's transformers config (saved as gliner_config.json's encoder_config) */
  readonly config: Record<string, unknown>;
  encode(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, rng?: Rng): tf.Tensor3D;
  dispose(): void;
}

/**
 * A GLiNER v0.2.9 span model: encoder + heads, its tokenizer and prompt settings. Parameters
 * carry the names of GLiNER's state dict; those under token_rep_layer (backbone and projection)
 * form the encoder group of the optimizer, the rest the "others" group.
 */
export class GlinerModel {
  readonly settings: PromptSettings;

  constructor(
    readonly config: GlinerConfig,
    readonly encoder: GlinerEncoder,
    readonly heads: Params,
    readonly tokenizer: WordTokenizer,
  ) {
    this.settings = promptSettings(config);
  }

  /** v0.2.9's training-time type sampling settings (sampling.ts) */
  get typeSampling(): { maxNegTypeRatio: number; maxTypes: number } {
    return { maxNegTypeRatio: this.config.max_neg_type_ratio, maxTypes: this.config.max_types };
  }

  get specs(): ParamSpec[] {
    return [...this.encoder.specs, ...headSpecs(this.config, this.encoder.hiddenSize)];
  }

  /** every parameter by name (encoder first) */
  get params(): Params {
    return new Map([...this.encoder.params, ...this.heads]);
  }

  /** Logits [B, L, K, C]; dropout only with an rng (training). */
  logits(batch: GlinerBatch, rng?: Rng, capture?: Capture): tf.Tensor4D {
    return tf.tidy(() => {
      const ids = tf.tensor2d(batch.inputIds, [batch.size, batch.tokens], 'int32');
      const mask = tf.tensor2d(batch.attentionMask, [batch.size, batch.tokens], 'int32');
      const hidden = this.encoder.encode(ids, mask, rng);
      if (capture) capture.encoder_last_hidden = tf.keep(hidden);
      return headsForward(this.heads, this.config, hidden, batch, rng, capture).logits;
    });
  }

  /** GLiNER's training loss: BCE with logits summed over valid spans and real classes (no focal terms). */
  loss(batch: GlinerBatch, rng?: Rng): tf.Scalar {
    if (!batch.labels) throw new Error('the batch has no labels (items without ner)');
    return tf.tidy(() => {
      const logits = this.logits(batch, rng);
      const targets = tf.tensor4d(batch.labels!, logits.shape);
      return maskedBinaryCrossEntropySum(logits, targets, lossMask(batch));
    });
  }

  dispose(): void {
    this.encoder.dispose();
    for (const variable of this.heads.values()) variable.dispose();
  }
}

/** GLiNER's parameter groups: token_rep_layer (backbone and projection) vs everything else. */
export function isEncoderParam(name: string): boolean {
  return name.startsWith('token_rep_layer');
}

/**
 * transformers' Trainer decays everything but biases and LayerNorm weights; "bias" is matched
 * anywhere in the name, so the LSTM's bias_ih / bias_hh are not decayed either.
 */
export function isDecayed(name: string): boolean {
  return !name.includes('bias') && !name.includes('LayerNorm');
}
