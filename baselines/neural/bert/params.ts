import { layerNormSpecs, linearSpecs, type ParamSpec } from '../params.ts';
import { encoderLayerSpecs } from '../transformer-layer.ts';
import type { BertConfig } from './config.ts';

/** BertModel without the pooler, as BertForTokenClassification holds it (prefix `bert.`). */
export function bertEncoderSpecs(config: BertConfig, prefix = 'bert.'): ParamSpec[] {
  const d = config.hidden_size;
  const e = `${prefix}embeddings`;
  const specs: ParamSpec[] = [
    { name: `${e}.word_embeddings.weight`, shape: [config.vocab_size, d], linear: false, init: 'embedding' },
    {
      name: `${e}.position_embeddings.weight`,
      shape: [config.max_position_embeddings, d],
      linear: false,
      init: 'normal',
    },
    {
      name: `${e}.token_type_embeddings.weight`,
      shape: [config.type_vocab_size, d],
      linear: false,
      init: 'normal',
    },
    ...layerNormSpecs(`${e}.LayerNorm`, d),
  ];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `${prefix}encoder.layer.${i}`;
    // query | key | value as one parameter (ops/attention.ts reads them from one [B*T, 3 * hidden] product)
    specs.push(...encoderLayerSpecs(l, d, config.intermediate_size, ['query', 'key', 'value']));
  }
  return specs;
}

export function classifierSpecs(hidden: number, labels: number, name = 'classifier'): ParamSpec[] {
  return linearSpecs(name, hidden, labels);
}
