import { z } from 'zod';
import { encoderConfigFields, parseEncoderConfig } from '../encoder-config.ts';

/**
 * The fields of a transformers BertConfig (config.json) that change what BERT computes. Other
 * keys are kept as they are (saving a model writes them back).
 */
export const bertConfigSchema = z.looseObject({
  ...encoderConfigFields,
  model_type: z.literal('bert').default('bert'),
  type_vocab_size: z.number().int().positive().default(2),
  layer_norm_eps: z.number().positive().default(1e-12),
  position_embedding_type: z.literal('absolute').default('absolute'),
  id2label: z.record(z.string(), z.string()).optional(),
});

export type BertConfig = z.output<typeof bertConfigSchema>;
export type BertConfigInput = z.input<typeof bertConfigSchema>;

export function parseBertConfig(raw: unknown, source: string): BertConfig {
  return parseEncoderConfig(bertConfigSchema, raw, source, 'BERT');
}
