import { z } from 'zod';
import { LABELS } from '../../harness/data/types.ts';
import { BACKEND_CHOICES } from '../neural/backend/choose.ts';

/**
 * The encoder to train from scratch when no `from` folder is given: small enough that the
 * `quick` profile trains on a 2-core machine in about 20 minutes (see the README's timing).
 */
export const SCRATCH_ENCODER = {
  hidden_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 512,
  max_position_embeddings: 128,
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
};

/** The WordPiece vocabulary bundled with the fixtures (trained on SkillSpan train words). */
export const BUNDLED_TOKENIZER = 'fixtures/hf-reference/tokenizer';

const scratchConfig = z
  .object({
    hidden_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    intermediate_size: z.number().int().positive(),
    max_position_embeddings: z.number().int().positive().default(128),
    hidden_act: z.enum(['gelu', 'gelu_new', 'relu']).default('gelu'),
    hidden_dropout_prob: z.number().min(0).max(1).default(0.1),
    attention_probs_dropout_prob: z.number().min(0).max(1).default(0.1),
  })
  .strict();

/**
 * Defaults follow SkillSpan's MaChAmp setup (lr 1e-4, batch 32, slanted triangular with cut_frac
 * 0.3, dropout 0.2, 20 epochs, max 128 subwords, AdamW betas 0.9/0.99, weight decay 0.01), except
 * the learning rate of an encoder trained from scratch (1e-3).
 */
export const taggerParams = z
  .object({
    /** a local Hugging Face BERT-family folder (config.json, model.safetensors, tokenizer) to fine-tune */
    from: z.string().min(1).optional(),
    /** an encoder to train from scratch (default: the small bundled size) */
    config: scratchConfig.optional(),
    /** the tokenizer folder for training from scratch (default: the bundled WordPiece vocabulary) */
    tokenizer: z.string().min(1).optional(),
    /** BIO layers to learn: both (multi-task) or one (SkillSpan's single-task setups) */
    layers: z.array(z.enum(LABELS)).min(1).default(['SKILL', 'KNOWLEDGE']),
    epochs: z.number().int().positive().default(20),
    /** stop after this many optimizer steps in all (smoke runs); the schedule spans min(max_steps, epochs) */
    max_steps: z.number().int().positive().optional(),
    batch_size: z.number().int().positive().default(32),
    /** peak learning rate; default 1e-4 when fine-tuning (`from`, SkillSpan's setting), 1e-3 from scratch */
    learning_rate: z.number().positive().optional(),
    schedule: z.enum(['slanted-triangular', 'linear', 'constant']).default('slanted-triangular'),
    cut_frac: z.number().gt(0).lt(1).default(0.3),
    stlr_ratio: z.number().min(1).default(32),
    /** linear schedule: fraction of steps warming up */
    warmup: z.number().min(0).lt(1).default(0.1),
    weight_decay: z.number().min(0).default(0.01),
    betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.99]),
    adam_eps: z.number().positive().default(1e-8),
    /** global gradient-norm clipping; 0 turns it off */
    clip_norm: z.number().min(0).default(1),
    max_subwords: z.number().int().min(8).max(512).default(128),
    /** dropout on the encoder output before the heads (the encoder keeps its config's own dropout) */
    dropout: z.number().min(0).lt(1).default(0.2),
    /** epochs without a better dev score before stopping; 0 never stops early */
    patience: z.number().int().min(0).default(5),
    /** the dev metric (ctx.scoreDev name) that selects the model and drives early stopping */
    select_by: z.string().default('nereval.overall.f1'),
    /** use only the first n sentences of train / dev (quick profiles) */
    train_limit: z.number().int().positive().optional(),
    dev_limit: z.number().int().positive().optional(),
    predict_batch_size: z.number().int().positive().default(64),
    /** save a resumable checkpoint every n optimizer steps (and after every epoch) */
    checkpoint_every: z.number().int().positive().default(200),
    /** log the mean training loss every n steps */
    log_every: z.number().int().positive().default(10),
    backend: z.enum(BACKEND_CHOICES).default('auto'),
  })
  .strict()
  .refine((p) => !(p.from && p.config), {
    message: 'give either `from` (a pretrained folder) or `config` (from scratch), not both',
  })
  .refine((p) => !(p.from && p.tokenizer), {
    message: '`tokenizer` is for training from scratch; `from` uses its own folder',
  })
  // a randomly initialised encoder barely moves at fine-tuning rates: it stays at "all O" for epochs
  .transform((p) => ({ ...p, learning_rate: p.learning_rate ?? (p.from ? 1e-4 : 1e-3) }));

export type TaggerParams = z.output<typeof taggerParams>;
