import { parseBertConfig } from '../bert/config.ts';
import { BertTokenModel } from '../bert/model.ts';
import type { ForwardModel } from './types.ts';

/** Heads whose logits `model forward` reports; any other BERT architecture yields the hidden state only. */
const TOKEN_CLASSIFIERS = ['BertForTokenClassification'];

export function loadBertForward(dir: string, raw: Record<string, unknown>): ForwardModel {
  const config = parseBertConfig(raw, `${dir}/config.json`);
  const withHead = (config.architectures ?? []).some((a) => TOKEN_CLASSIFIERS.includes(a));
  const { model } = BertTokenModel.load(dir, withHead ? {} : { numLabels: 0 });
  const architecture = config.architectures?.[0] ?? 'BertModel';
  return {
    description: `bert ${architecture} (${config.num_hidden_layers} layers, hidden ${config.hidden_size}${model.numLabels ? `, ${model.numLabels} labels` : ''})`,
    vocabSize: config.vocab_size,
    maxLength: config.max_position_embeddings,
    forward: (inputs) => {
      const lastHiddenState = model.encode(inputs);
      return { lastHiddenState, ...(model.numLabels > 0 ? { logits: model.classify(lastHiddenState) } : {}) };
    },
    dispose: () => model.dispose(),
  };
}
