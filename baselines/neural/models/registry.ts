import { InputError } from '../../../harness/util/errors.ts';
import { readModelConfig } from '../hf/checkpoint.ts';
import { loadBertForward } from './bert-forward.ts';
import { loadDebertaForward } from './deberta-forward.ts';
import type { ForwardLoader, ForwardModel } from './types.ts';

export type { ForwardInputs, ForwardLoader, ForwardModel, ForwardOutputs } from './types.ts';

/** Loaders by config.json's model_type; Llama registers here when it exists. */
const loaders = new Map<string, ForwardLoader>([
  ['bert', loadBertForward],
  ['deberta-v2', loadDebertaForward],
]);

export function registerForwardLoader(modelType: string, loader: ForwardLoader): void {
  loaders.set(modelType, loader);
}

export function loadForwardModel(dir: string): ForwardModel {
  const config = readModelConfig(dir);
  const modelType = String(config.model_type ?? '');
  const loader = loaders.get(modelType);
  if (!loader) {
    throw new InputError(
      `model_type "${modelType}" is not supported yet (supported: ${[...loaders.keys()].join(', ')})`,
      `${dir}/config.json`,
    );
  }
  return loader(dir, config);
}
