import { z } from 'zod';
import { InputError } from '../../harness/util/errors.ts';

/**
 * gliner_config.json as GLiNER v0.2.9 reads it. Only what the span model of this row uses is
 * validated; every other key is kept as it was so a saved checkpoint round-trips. Fields absent
 * from a checkpoint's file (gliner_small_news-v2.1 has few) take v0.2.9's defaults.
 */
export const glinerConfigSchema = z.looseObject({
  model_name: z.string().default('microsoft/deberta-v3-small'),
  name: z.string().default('span level gliner'),
  max_width: z.number().int().positive().default(12),
  hidden_size: z.number().int().positive().default(512),
  dropout: z.number().min(0).max(1).default(0.4),
  fine_tune: z.boolean().default(true),
  subtoken_pooling: z.string().default('first'),
  span_mode: z.literal('markerV0', {
    error: 'only span_mode "markerV0" (the span model of this row) is implemented',
  }),
  post_fusion_schema: z.string().default(''),
  vocab_size: z.number().int().default(-1),
  max_neg_type_ratio: z.number().int().nonnegative().default(1),
  max_types: z.number().int().positive().default(25),
  max_len: z.number().int().positive().default(384),
  words_splitter_type: z
    .literal('whitespace', {
      error: 'only words_splitter_type "whitespace" (a regex splitter) is implemented',
    })
    .default('whitespace'),
  has_rnn: z.boolean().default(true),
  class_token_index: z.number().int().default(-1),
  ent_token: z.string().default('<<ENT>>'),
  sep_token: z.string().default('<<SEP>>'),
  encoder_config: z.record(z.string(), z.unknown()).nullable().optional(),
});

export type GlinerConfig = z.infer<typeof glinerConfigSchema>;

export const GLINER_CONFIG_FILE = 'gliner_config.json';

export function parseGlinerConfig(raw: unknown, source: string): GlinerConfig {
  const result = glinerConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InputError(`invalid GLiNER config: ${issues.join('; ')}`, source);
  }
  return result.data;
}
