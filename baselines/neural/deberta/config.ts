import { z } from 'zod';
import { InputError } from '../../../harness/util/errors.ts';
import { encoderConfigFields, parseEncoderConfig } from '../encoder-config.ts';

/**
 * The fields of a transformers DebertaV2Config (config.json, model_type "deberta-v2": DeBERTa-v2
 * and v3, mDeBERTa) that change what the encoder computes. Defaults are transformers'. Other keys
 * are kept as they are (saving writes them back). Options this port does not implement
 * (convolution layer, an embedding size other than the hidden size, separate positional
 * projections) are refused by parseDebertaConfig instead of silently computing something else.
 */
export const debertaConfigSchema = z.looseObject({
  ...encoderConfigFields,
  model_type: z.literal('deberta-v2').default('deberta-v2'),
  type_vocab_size: z.number().int().min(0).default(0),
  layer_norm_eps: z.number().positive().default(1e-7),
  relative_attention: z.boolean().default(false),
  /** < 1: max_position_embeddings */
  max_relative_positions: z.number().int().default(-1),
  /** > 0: log-bucketed relative positions with this many buckets per direction */
  position_buckets: z.number().int().default(-1),
  position_biased_input: z.boolean().default(true),
  pos_att_type: z
    .union([z.array(z.enum(['c2p', 'p2c'])), z.string()])
    .nullable()
    .default(null),
  share_att_key: z.boolean().default(false),
  norm_rel_ebd: z.string().default('none'),
  embedding_size: z.number().int().positive().nullable().optional(),
  conv_kernel_size: z.number().int().min(0).default(0),
});

export type DebertaConfig = z.output<typeof debertaConfigSchema>;
export type DebertaConfigInput = z.input<typeof debertaConfigSchema>;

/** What the encoder needs, resolved from the config as DisentangledSelfAttention resolves it. */
export interface DebertaGeometry {
  /** c2p / p2c terms in use */
  c2p: boolean;
  p2c: boolean;
  /** rows of the relative table on each side: position_buckets, or max_relative_positions */
  attSpan: number;
  /** log bucketing (position_buckets > 0) */
  buckets: number;
  maxRelativePositions: number;
  /** scores are divided by sqrt(head size * scaleFactor), scaleFactor = 1 + number of relative terms */
  scaleFactor: number;
  /** LayerNorm on the relative table (norm_rel_ebd contains "layer_norm") */
  normRelative: boolean;
}

export function debertaGeometry(config: DebertaConfig): DebertaGeometry {
  const types =
    typeof config.pos_att_type === 'string'
      ? config.pos_att_type
          .toLowerCase()
          .split('|')
          .map((s) => s.trim())
      : (config.pos_att_type ?? []);
  const relative = config.relative_attention;
  const c2p = relative && types.includes('c2p');
  const p2c = relative && types.includes('p2c');
  const maxRelativePositions =
    config.max_relative_positions < 1 ? config.max_position_embeddings : config.max_relative_positions;
  const buckets = Math.max(config.position_buckets, 0);
  return {
    c2p,
    p2c,
    attSpan: buckets > 0 ? buckets : maxRelativePositions,
    buckets,
    maxRelativePositions,
    scaleFactor: 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0),
    normRelative: relative && config.norm_rel_ebd.toLowerCase().includes('layer_norm'),
  };
}

export function parseDebertaConfig(raw: unknown, source: string): DebertaConfig {
  const config = parseEncoderConfig(debertaConfigSchema, raw, source, 'DeBERTa-v2');
  const refuse = (what: string) => new InputError(`DeBERTa-v2 option not implemented: ${what}`, source);
  if (config.conv_kernel_size > 0) throw refuse(`conv_kernel_size ${config.conv_kernel_size}`);
  if (config.embedding_size != null && config.embedding_size !== config.hidden_size)
    throw refuse(`embedding_size ${config.embedding_size} != hidden_size ${config.hidden_size}`);
  const geometry = debertaGeometry(config);
  if ((geometry.c2p || geometry.p2c) && !config.share_att_key)
    throw refuse('share_att_key false (separate pos_key_proj / pos_query_proj)');
  return config;
}
