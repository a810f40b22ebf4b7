import * as tf from '@tensorflow/tfjs';
import type { RawTensor } from './hf/safetensors.ts';
import type { Rng } from './rng.ts';
import { transposed } from './transpose.ts';

/**
 * Parameters of the tfjs models (BERT, DeBERTa, GLiNER heads) and their checkpoint layout.
 *
 * A parameter under its Hugging Face name. Linear weights are stored [in, out] here (x @ W, no
 * transposed matMul in the forward pass) but [out, in] in checkpoints (torch's Linear): `linear`
 * marks the ones to transpose at the file boundary.
 */
export interface ParamSpec {
  name: string;
  /** shape in tfjs */
  shape: number[];
  linear: boolean;
  init: 'normal' | 'zeros' | 'ones' | 'embedding' | 'uniform';
  /** init 'uniform': values drawn from U(-bound, bound) (torch's Linear and LSTM defaults) */
  bound?: number;
  /**
   * Checkpoint tensors this parameter joins along its output axis, in order (BERT's query, key
   * and value as one [in, 3 * out] product: fewer kernels per step). Absent: the parameter is
   * the checkpoint tensor of its own name.
   */
  parts?: string[];
}

/** A tensor as a checkpoint file holds it. */
export interface FileTensorSpec {
  name: string;
  shape: number[];
}

export type Params = Map<string, tf.Variable>;

/** A lookup of params under a name prefix that fails loudly, naming the model and the parameter. */
export function paramGetter(
  params: Map<string, tf.Tensor>,
  prefix: string,
  model: string,
): (name: string) => tf.Tensor {
  return (name) => {
    const tensor = params.get(prefix + name);
    if (!tensor) throw new Error(`${model} parameter ${prefix}${name} is missing`);
    return tensor;
  };
}

export function linearSpecs(name: string, inputs: number, outputs: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [inputs, outputs], linear: true, init: 'normal' },
    { name: `${name}.bias`, shape: [outputs], linear: false, init: 'zeros' },
  ];
}

/** Linear layers that share an input, as one parameter pair (see ParamSpec.parts). */
export function joinedLinearSpecs(
  name: string,
  parts: string[],
  inputs: number,
  outputs: number,
): ParamSpec[] {
  const total = outputs * parts.length;
  return [
    {
      name: `${name}.weight`,
      shape: [inputs, total],
      linear: true,
      init: 'normal',
      parts: parts.map((part) => `${part}.weight`),
    },
    {
      name: `${name}.bias`,
      shape: [total],
      linear: false,
      init: 'zeros',
      parts: parts.map((part) => `${part}.bias`),
    },
  ];
}

export function layerNormSpecs(name: string, size: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [size], linear: false, init: 'ones' },
    { name: `${name}.bias`, shape: [size], linear: false, init: 'zeros' },
  ];
}

/** How many numbers the specs hold (for describing a model). */
export function parameterCount(specs: ParamSpec[]): number {
  return specs.reduce((total, spec) => total + spec.shape.reduce((a, b) => a * b, 1), 0);
}

/** The shape a spec has in a checkpoint file (all its parts stacked). */
function fileShape(spec: ParamSpec): number[] {
  return spec.linear ? [spec.shape[1], spec.shape[0]] : spec.shape;
}

/** The checkpoint tensors a spec stands for: itself, or its parts (split along the file's first axis). */
export function fileTensors(spec: ParamSpec): FileTensorSpec[] {
  const shape = fileShape(spec);
  if (!spec.parts) return [{ name: spec.name, shape }];
  const rows = shape[0] / spec.parts.length;
  return spec.parts.map((name) => ({ name, shape: [rows, ...shape.slice(1)] }));
}

/** What initParams reads from a model config. */
export interface InitConfig {
  initializer_range: number;
  pad_token_id: number;
}

/** transformers' _init_weights: normal(0, initializer_range), zero biases and padding row, unit LayerNorm. */
export function initParams(specs: ParamSpec[], config: InitConfig, rng: Rng): Params {
  const params: Params = new Map();
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (spec.init === 'zeros') values = new Float32Array(size);
    else if (spec.init === 'ones') values = new Float32Array(size).fill(1);
    else if (spec.init === 'uniform') {
      const bound = spec.bound ?? 0;
      values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = (2 * rng.next() - 1) * bound;
    } else if (spec.parts && spec.linear) {
      // drawn part by part, as separate Linear layers would be, then laid side by side per row
      const [inputs, total] = spec.shape;
      const width = total / spec.parts.length;
      const drawn = spec.parts.map(() => rng.normalArray(inputs * width, config.initializer_range));
      values = new Float32Array(size);
      for (let r = 0; r < inputs; r++) {
        for (const [i, part] of drawn.entries())
          values.set(part.subarray(r * width, (r + 1) * width), r * total + i * width);
      }
    } else {
      values = rng.normalArray(size, config.initializer_range);
      if (spec.init === 'embedding')
        values.fill(0, config.pad_token_id * spec.shape[1], (config.pad_token_id + 1) * spec.shape[1]);
    }
    params.set(
      spec.name,
      tf.tidy(() => tf.variable(tf.tensor(values, spec.shape), true)),
    );
  }
  return params;
}

/** Variables from checkpoint tensors that bindWeights matched to these specs. */
export function paramsFromTensors(specs: ParamSpec[], tensors: Map<string, RawTensor>): Params {
  const params: Params = new Map();
  for (const spec of specs) {
    const raws = fileTensors(spec).map((file) => tensors.get(file.name));
    if (raws.some((raw) => !raw)) continue;
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    let offset = 0;
    for (const raw of raws as RawTensor[]) {
      data.set(raw.data, offset);
      offset += raw.data.length;
    }
    const [rows, cols] = fileShape(spec);
    const values = spec.linear ? transposed(data, rows, cols) : data;
    params.set(
      spec.name,
      tf.tidy(() => tf.variable(tf.tensor(values, spec.shape), true)),
    );
  }
  return params;
}

/** Parameters -> checkpoint tensors (Linear weights back to [out, in]). */
export async function tensorsFromParams(
  specs: ParamSpec[],
  params: Params,
): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of specs) {
    const data = (await params.get(spec.name)!.data()) as Float32Array;
    const inFile = spec.linear ? transposed(data, spec.shape[0], spec.shape[1]) : Float32Array.from(data);
    let offset = 0;
    for (const file of fileTensors(spec)) {
      const size = file.shape.reduce((a, b) => a * b, 1);
      out.set(file.name, { shape: file.shape, data: inFile.slice(offset, offset + size) });
      offset += size;
    }
  }
  return out;
}
