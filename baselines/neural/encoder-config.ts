import { z } from 'zod';
import { InputError } from '../../harness/util/errors.ts';

/** config.json fields every BERT-family encoder reads (BertConfig, DebertaV2Config), transformers' defaults. */
export const encoderConfigFields = {
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  hidden_act: z.enum(['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu']).default('gelu'),
  hidden_dropout_prob: z.number().min(0).max(1).default(0.1),
  attention_probs_dropout_prob: z.number().min(0).max(1).default(0.1),
  max_position_embeddings: z.number().int().positive().default(512),
  initializer_range: z.number().positive().default(0.02),
  pad_token_id: z.number().int().min(0).default(0),
  architectures: z.array(z.string()).optional(),
};

/** Parses config.json with schema, naming the first problem; hidden_size must split into the heads. */
export function parseEncoderConfig<T extends { hidden_size: number; num_attention_heads: number }>(
  schema: z.ZodType<T>,
  raw: unknown,
  source: string,
  what: string,
): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`not a supported ${what} config: ${issue.path.join('.')}: ${issue.message}`, source);
  }
  const config = parsed.data;
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new InputError(
      `hidden_size ${config.hidden_size} is not a multiple of num_attention_heads ${config.num_attention_heads}`,
      source,
    );
  }
  return config;
}
