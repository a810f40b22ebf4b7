import { layerNormSpecs, type ParamSpec } from '../params.ts';
import { encoderLayerSpecs } from '../transformer-layer.ts';
import { type DebertaConfig, debertaGeometry } from './config.ts';

/**
 * DebertaV2Model's parameters under transformers' names (prefix '' for a bare DebertaV2Model).
 * As in BERT, each layer's query_proj | key_proj | value_proj are one [in, 3 * out] parameter
 * `attention.self.qkv` (ParamSpec.parts maps it to the three checkpoint tensors).
 */
export function debertaEncoderSpecs(config: DebertaConfig, prefix = ''): ParamSpec[] {
  const d = config.hidden_size;
  const e = `${prefix}embeddings`;
  const specs: ParamSpec[] = [
    { name: `${e}.word_embeddings.weight`, shape: [config.vocab_size, d], linear: false, init: 'embedding' },
  ];
  if (config.position_biased_input) {
    specs.push({
      name: `${e}.position_embeddings.weight`,
      shape: [config.max_position_embeddings, d],
      linear: false,
      init: 'normal',
    });
  }
  if (config.type_vocab_size > 0) {
    specs.push({
      name: `${e}.token_type_embeddings.weight`,
      shape: [config.type_vocab_size, d],
      linear: false,
      init: 'normal',
    });
  }
  specs.push(...layerNormSpecs(`${e}.LayerNorm`, d));
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `${prefix}encoder.layer.${i}`;
    specs.push(
      ...encoderLayerSpecs(l, d, config.intermediate_size, ['query_proj', 'key_proj', 'value_proj']),
    );
  }
  if (config.relative_attention) {
    const geometry = debertaGeometry(config);
    specs.push({
      name: `${prefix}encoder.rel_embeddings.weight`,
      shape: [2 * geometry.attSpan, d],
      linear: false,
      init: 'normal',
    });
    if (geometry.normRelative) specs.push(...layerNormSpecs(`${prefix}encoder.LayerNorm`, d));
  }
  return specs;
}
