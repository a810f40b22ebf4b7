/**
 * The training step the neural benchmarks time: the bert-tagger's real step (BERT encoder, the
 * two packed BIO heads, masked cross-entropy, global-norm clipping, AdamW) on a synthetic batch
 * of full-length chunks. Shared by bench/neural.ts (wasm / cpu) and bench/gpu (webgpu), and
 * mirrored line by line in bench/reference/bert_step_torch.py.
 */
import * as tf from '@tensorflow/tfjs';
import type { Chunk } from '../baselines/bert-tagger/chunks.ts';
import { BertTagger } from '../baselines/bert-tagger/tagger-model.ts';
import { parseBertConfig } from '../baselines/neural/bert/config.ts';
import { BertTokenModel } from '../baselines/neural/bert/model.ts';
import { Rng } from '../baselines/neural/rng.ts';
import { BertTokenizer } from '../baselines/neural/tokenizers/bert-tokenizer.ts';
import { AdamW } from '../baselines/neural/train/adamw.ts';
import { trainStep } from '../baselines/neural/train/step.ts';

export interface StepShape {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
  batch: number;
  length: number;
}

/** bench/neural.ts's fixed small config (the toolchain research's "smaller model", with our vocabulary). */
export const SMALL: StepShape = {
  layers: 2,
  hidden: 128,
  heads: 2,
  ffn: 512,
  vocab: 3000,
  batch: 16,
  length: 64,
};
/** bert-base shapes at the GPU target batch (issue 6). */
export const BERT_BASE: StepShape = {
  layers: 12,
  hidden: 768,
  heads: 12,
  ffn: 3072,
  vocab: 30522,
  batch: 32,
  length: 64,
};

export const DROPOUT = { hidden: 0.1, attention: 0.1, head: 0.2 };
export const LABELED_FRACTION = 0.7;

/** Synthetic full-length chunks: [CLS] random ids [SEP], BIO labels on ~70% of positions (first subwords). */
export function syntheticChunks(shape: StepShape, rng: Rng): Chunk[] {
  return Array.from({ length: shape.batch }, (_, row) => {
    const ids = Int32Array.from({ length: shape.length }, () => 5 + rng.int(shape.vocab - 5));
    ids[0] = 2;
    ids[shape.length - 1] = 3;
    const labels = [0, 1].map(() =>
      Int32Array.from({ length: shape.length }, (_, i) =>
        i > 0 && i < shape.length - 1 && rng.next() < LABELED_FRACTION ? rng.int(3) : -1,
      ),
    );
    return { sentence: row, firstWord: 0, ids, firstSubword: new Int32Array(0), labels };
  });
}

export interface BenchStep {
  tagger: BertTagger;
  optimizer: AdamW;
  chunks: Chunk[];
  /** one training step; resolves when its loss has been read back */
  step(): Promise<number>;
  /** one step without reading anything back (for tf.profile) */
  stepTensors(): tf.Tensor[];
  parameters: number;
  dispose(): void;
}

/**
 * The step reads only the tokenizer's padding id, so the bench needs no vocabulary file (the
 * GPU bundle carries none): [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, as in the fixture vocabulary.
 */
export function benchTokenizer(): BertTokenizer {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
  return new BertTokenizer({
    vocab: new Map(specials.map((token, id) => [token, id])),
    unkToken: '[UNK]',
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
    normalizer: { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false },
    clsToken: '[CLS]',
    sepToken: '[SEP]',
    padToken: '[PAD]',
    addedTokens: new Map(),
  });
}

export function createBenchStep(
  shape: StepShape,
  options: { seed?: number; groupSize?: number; tokenizer?: BertTokenizer } = {},
): BenchStep {
  const seed = options.seed ?? 1;
  const tokenizer = options.tokenizer ?? benchTokenizer();
  const rng = new Rng(seed);
  const config = parseBertConfig(
    {
      vocab_size: shape.vocab,
      hidden_size: shape.hidden,
      num_hidden_layers: shape.layers,
      num_attention_heads: shape.heads,
      intermediate_size: shape.ffn,
      max_position_embeddings: Math.max(512, shape.length),
      hidden_dropout_prob: DROPOUT.hidden,
      attention_probs_dropout_prob: DROPOUT.attention,
    },
    'bench',
  );
  const model = BertTokenModel.create(config, 6, rng);
  const tagger = new BertTagger(model, tokenizer, {
    layers: ['SKILL', 'KNOWLEDGE'],
    maxSubwords: shape.length,
  });
  const optimizer = new AdamW(model.params, {
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-8,
    weightDecay: 0.01,
    ...(options.groupSize ? { groupSize: options.groupSize } : {}),
  });
  const chunks = syntheticChunks(shape, rng);
  const dropoutRng = new Rng(seed + 1);
  const stepTensors = () => {
    const { loss, norm } = trainStep(
      () => tagger.loss(chunks, dropoutRng, DROPOUT.head),
      model.params,
      optimizer,
      1e-4,
      1,
    );
    return norm ? [loss, norm] : [loss];
  };
  let parameters = 0;
  for (const v of model.params.values()) parameters += v.size;
  return {
    tagger,
    optimizer,
    chunks,
    parameters,
    stepTensors,
    step: async () => {
      const tensors = stepTensors();
      const loss = (await tensors[0].data())[0];
      tf.dispose(tensors);
      return loss;
    },
    dispose: () => {
      optimizer.dispose();
      tagger.dispose();
    },
  };
}
