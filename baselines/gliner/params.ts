import { z } from 'zod';
import { BACKEND_CHOICES } from '../neural/backend/choose.ts';

/**
 * A small GLiNER trained from scratch when no `from` folder is given (DeBERTa-v3-style backbone
 * with relative attention, the bundled WordPiece vocabulary plus GLiNER's three added tokens).
 */
export const SCRATCH_GLINER = {
  hidden_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 512,
  span_hidden_size: 128,
};

const scratchConfig = z.strictObject({
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  /** GLiNER's hidden_size (the projection, LSTM, span and prompt width; even) */
  span_hidden_size: z.number().int().positive(),
});

const thresholdGrid = Array.from({ length: 95 }, (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100);

/**
 * Defaults are the Skill-LLM notebook's GLiNER fine-tuning (gliner_small_news-v2.1, GLiNER
 * v0.2.9): 400 steps of batch 32, encoder lr 1.6e-4 / weight decay 0.03, heads lr 4e-5 / weight
 * decay 0.01, linear schedule with 10% warmup, global clip 0.4, flat decoding, the threshold
 * chosen on dev.
 */
export const glinerParams = z
  .strictObject({
    /** a local GLiNER folder (gliner_config.json, model.safetensors, tokenizer) to fine-tune */
    from: z.string().min(1).optional(),
    /** a GLiNER to train from scratch (default: the small SCRATCH_GLINER) */
    config: scratchConfig.optional(),
    /** the tokenizer folder for training from scratch (default: the bundled WordPiece vocabulary) */
    tokenizer: z.string().min(1).optional(),
    /** the prompt at inference, in this order (the notebook's) */
    labels: z.array(z.string().min(1)).min(1).default(['Skill', 'Knowledge']),
    /** 0 predicts with the weights as loaded (zero-shot) */
    steps: z.number().int().min(0).default(400),
    batch_size: z.number().int().positive().default(32),
    /** cap on micro-batch sentences x longest (words + prompt): exact gradient accumulation under wasm's heap */
    micro_batch_words: z.number().int().positive().default(4096),
    lr_encoder: z.number().positive().default(1.6e-4),
    weight_decay_encoder: z.number().min(0).default(0.03),
    lr_others: z.number().positive().default(4e-5),
    weight_decay_others: z.number().min(0).default(0.01),
    warmup_ratio: z.number().min(0).lt(1).default(0.1),
    clip_norm: z.number().min(0).default(0.4),
    /** "dev": re-decode cached dev logits at every grid threshold, keep the best nervaluate strict F1 */
    threshold: z.union([z.literal('dev'), z.number().gt(0).lt(1)]).default('dev'),
    threshold_grid: z.array(z.number().gt(0).lt(1)).min(1).default(thresholdGrid),
    /** flat greedy decoding (v0.2.9's batch_predict_entities default); false: nested (a labelled variant) */
    flat_ner: z.boolean().default(true),
    train_limit: z.number().int().positive().optional(),
    dev_limit: z.number().int().positive().optional(),
    predict_batch_size: z.number().int().positive().default(32),
    checkpoint_every: z.number().int().positive().default(20),
    backend: z.enum(BACKEND_CHOICES).default('auto'),
  })
  .refine((p) => !(p.from && (p.config || p.tokenizer)), {
    message: '`config` and `tokenizer` are for training from scratch; `from` brings its own',
  });

export type GlinerParams = z.output<typeof glinerParams>;
