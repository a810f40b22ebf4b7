import { z } from 'zod';
import { InputError } from '../../../harness/util/errors.ts';

/**
 * The fields of a transformers BertConfig (config.json) that change what BERT computes. Other
 * keys are kept as they are (saving a model writes them back).
 */
export const bertConfigSchema = z.looseObject({
  model_type: z.literal('bert').default('bert'),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  hidden_act: z.enum(['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu']).default('gelu'),
  hidden_dropout_prob: z.number().min(0).max(1).default(0.1),
  attention_probs_dropout_prob: z.number().min(0).max(1).default(0.1),
  max_position_embeddings: z.number().int().positive().default(512),
  type_vocab_size: z.number().int().positive().default(2),
  layer_norm_eps: z.number().positive().default(1e-12),
  initializer_range: z.number().positive().default(0.02),
  pad_token_id: z.number().int().min(0).default(0),
  position_embedding_type: z.literal('absolute').default('absolute'),
  architectures: z.array(z.string()).optional(),
  id2label: z.record(z.string(), z.string()).optional(),
});

export type BertConfig = z.output<typeof bertConfigSchema>;
export type BertConfigInput = z.input<typeof bertConfigSchema>;

export function parseBertConfig(raw: unknown, source: string): BertConfig {
  const parsed = bertConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`not a supported BERT config: ${issue.path.join('.')}: ${issue.message}`, source);
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
