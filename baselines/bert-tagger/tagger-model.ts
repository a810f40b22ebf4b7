import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LABELS, type Label } from '../../harness/data/types.ts';
import { InputError } from '../../harness/util/errors.ts';
import { BertTokenModel } from '../neural/bert/model.ts';
import { readModelConfig } from '../neural/hf/checkpoint.ts';
import { maskedCrossEntropy } from '../neural/ops/cross-entropy.ts';
import { dropout } from '../neural/ops/dropout.ts';
import type { Rng } from '../neural/rng.ts';
import type { BertTokenizer } from '../neural/tokenizers/bert-tokenizer.ts';
import { copyTokenizerFiles, loadBertTokenizer } from '../neural/tokenizers/load.ts';
import { padBatch, padLabels } from './batches.ts';
import type { Chunk } from './chunks.ts';
import { labelNames, TAG_COUNT } from './tags.ts';

/** What a saved tagger folder records beyond transformers' config (config.json, key `skillbench_tagger`). */
export interface TaggerSettings {
  layers: Label[];
  maxSubwords: number;
}

/**
 * The BERT BIO tagger: a BERT encoder and one 3-way head per layer (packed in one classifier),
 * with the tokenizer it was trained with. Saved as a Hugging Face BertForTokenClassification
 * folder plus tokenizer files, so `skillbench model forward` and transformers can read it too.
 */
export class BertTagger {
  constructor(
    readonly model: BertTokenModel,
    readonly tokenizer: BertTokenizer,
    readonly settings: TaggerSettings,
  ) {
    if (model.numLabels !== settings.layers.length * TAG_COUNT) {
      throw new Error(
        `the classifier has ${model.numLabels} outputs, ${settings.layers.length} BIO layers need ${settings.layers.length * TAG_COUNT}`,
      );
    }
  }

  private inputs(batch: readonly Chunk[]) {
    const { ids, mask, length } = padBatch(batch, this.tokenizer.padId);
    return {
      length,
      inputIds: tf.tensor2d(ids, [batch.length, length], 'int32'),
      attentionMask: tf.tensor2d(mask, [batch.length, length], 'int32'),
    };
  }

  /** [B * T, 3 x layers] logits; dropout on (encoder's own and headDropout before the head) when rng is given. */
  private logits(
    batch: readonly Chunk[],
    rng?: Rng,
    headDropout = 0,
  ): { logits: tf.Tensor2D; length: number } {
    const { length, inputIds, attentionMask } = this.inputs(batch);
    const hidden = this.model.encode({ inputIds, attentionMask }, rng);
    const logits = this.model.classify(dropout(hidden, headDropout, rng) as tf.Tensor3D);
    return {
      logits: tf.reshape(logits, [batch.length * length, this.model.numLabels]) as tf.Tensor2D,
      length,
    };
  }

  /** Training loss: the sum over layers of the mean cross-entropy at first subwords. */
  loss(batch: readonly Chunk[], rng: Rng, headDropout: number): tf.Scalar {
    const { logits, length } = this.logits(batch, rng, headDropout);
    const losses = this.settings.layers.map((_, j) => {
      const columns = tf.slice(logits, [0, j * TAG_COUNT], [-1, TAG_COUNT]) as tf.Tensor2D;
      return maskedCrossEntropy(columns, padLabels(batch, j, length));
    });
    return (losses.length === 1 ? losses[0] : tf.addN(losses)) as tf.Scalar;
  }

  /**
   * Per chunk, per layer: log-probabilities of O, B, I at each word's first subword, [words x 3]
   * (zeros for a word without subwords: it has no evidence either way).
   */
  async wordScores(batch: readonly Chunk[]): Promise<Float32Array[][]> {
    const logProbs = tf.tidy(() => {
      const { logits } = this.logits(batch);
      const groups = this.settings.layers.map((_, j) =>
        tf.logSoftmax(tf.slice(logits, [0, j * TAG_COUNT], [-1, TAG_COUNT]) as tf.Tensor2D),
      );
      return groups.length === 1 ? groups[0] : tf.concat(groups, 1);
    });
    const values = (await logProbs.data()) as Float32Array;
    const length = logProbs.shape[0] / batch.length;
    logProbs.dispose();
    const width = this.model.numLabels;
    return batch.map((chunk, row) =>
      this.settings.layers.map((_, j) => {
        const scores = new Float32Array(chunk.firstSubword.length * TAG_COUNT);
        chunk.firstSubword.forEach((position, w) => {
          if (position < 0) return;
          const from = (row * length + position) * width + j * TAG_COUNT;
          scores.set(values.subarray(from, from + TAG_COUNT), w * TAG_COUNT);
        });
        return scores;
      }),
    );
  }

  /** config.json (with id2label and the tagger settings) + model.safetensors + tokenizer files. */
  async save(dir: string, tokenizerDir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const id2label = labelNames(this.settings.layers);
    await this.model.save(dir, {
      ...this.model.config,
      architectures: ['BertForTokenClassification'],
      id2label,
      label2id: Object.fromEntries(Object.entries(id2label).map(([id, name]) => [name, Number(id)])),
      skillbench_tagger: { layers: this.settings.layers, max_subwords: this.settings.maxSubwords },
    });
    copyTokenizerFiles(tokenizerDir, dir);
  }

  static load(dir: string): BertTagger {
    if (!existsSync(join(dir, 'config.json')))
      throw new InputError('no trained tagger here (config.json missing)', dir);
    const raw = readModelConfig(dir).skillbench_tagger as
      | { layers?: string[]; max_subwords?: number }
      | undefined;
    const layers = (raw?.layers ?? []).filter((l): l is Label => (LABELS as readonly string[]).includes(l));
    if (!raw || layers.length === 0 || !raw.max_subwords) {
      throw new InputError('config.json has no skillbench_tagger settings (not saved by bert-tagger)', dir);
    }
    const { model } = BertTokenModel.load(dir);
    return new BertTagger(model, loadBertTokenizer(dir), { layers, maxSubwords: raw.max_subwords });
  }

  dispose(): void {
    this.model.dispose();
  }
}
