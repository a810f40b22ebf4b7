import { parseDebertaConfig } from '../deberta/config.ts';
import { DebertaModel } from '../deberta/model.ts';
import type { ForwardModel } from './types.ts';

/** A deberta-v2 folder (DeBERTa-v2/v3, mDeBERTa) for `model forward`: the last hidden state. */
export function loadDebertaForward(dir: string, raw: Record<string, unknown>): ForwardModel {
  const config = parseDebertaConfig(raw, `${dir}/config.json`);
  const { model } = DebertaModel.load(dir);
  const architecture = config.architectures?.[0] ?? 'DebertaV2Model';
  return {
    description: `deberta-v2 ${architecture} (${config.num_hidden_layers} layers, hidden ${config.hidden_size})`,
    vocabSize: config.vocab_size,
    // relative positions have no length limit; absolute ones (position_biased_input) do
    maxLength: config.position_biased_input ? config.max_position_embeddings : Number.POSITIVE_INFINITY,
    forward: (inputs) => ({ lastHiddenState: model.encode(inputs) }),
    dispose: () => model.dispose(),
  };
}
