import { InputError } from '../../../harness/util/errors.ts';
import type { RawTensor } from './safetensors.ts';

/** A weight a model needs: its checkpoint name and shape as stored in the file. */
export interface WeightSpec {
  name: string;
  shape: number[];
}

export interface BindOptions {
  /** checkpoint tensors that are known not to belong to this model (a pooler, pretraining heads) */
  ignore?: RegExp[];
  /** weights that may be absent (a fresh task head on a pretrained encoder): left for the caller to initialise */
  optional?: RegExp[];
  /** old spellings -> current ones (LayerNorm.gamma -> LayerNorm.weight) */
  rename?: (name: string) => string;
}

export interface BoundWeights {
  tensors: Map<string, RawTensor>;
  /** checkpoint tensors skipped because an ignore pattern matched */
  ignored: string[];
  /** optional weights the checkpoint did not have */
  absent: string[];
}

/**
 * Strict name mapping between a checkpoint and a model: every needed weight must be there with
 * the right shape and every checkpoint tensor must be used, or the error lists all offenders.
 * Nothing is skipped silently: what the ignore / optional patterns let through is returned.
 */
export function bindWeights(
  found: Map<string, RawTensor>,
  expected: WeightSpec[],
  source: string,
  options: BindOptions = {},
): BoundWeights {
  const rename = options.rename ?? ((name: string) => name);
  const available = new Map<string, RawTensor>();
  for (const [name, tensor] of found) available.set(rename(name), tensor);
  const tensors = new Map<string, RawTensor>();
  const missing: string[] = [];
  const absent: string[] = [];
  const wrongShape: string[] = [];
  for (const spec of expected) {
    const tensor = available.get(spec.name);
    if (!tensor) {
      if (options.optional?.some((pattern) => pattern.test(spec.name))) absent.push(spec.name);
      else missing.push(spec.name);
      continue;
    }
    if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
      wrongShape.push(`${spec.name} [${tensor.shape}] (expected [${spec.shape}])`);
      continue;
    }
    tensors.set(spec.name, tensor);
  }
  const wanted = new Set(expected.map((spec) => spec.name));
  const ignored: string[] = [];
  const unexpected: string[] = [];
  for (const name of available.keys()) {
    if (wanted.has(name)) continue;
    if (options.ignore?.some((pattern) => pattern.test(name))) ignored.push(name);
    else unexpected.push(name);
  }
  const problems = [
    missing.length ? `missing weights: ${missing.join(', ')}` : '',
    unexpected.length ? `unexpected weights: ${unexpected.join(', ')}` : '',
    wrongShape.length ? `weights of the wrong shape: ${wrongShape.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length > 0)
    throw new InputError(`checkpoint does not fit the model: ${problems.join('; ')}`, source);
  return { tensors, ignored, absent };
}
