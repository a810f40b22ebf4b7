import * as tf from '@tensorflow/tfjs';
import type { RawTensor } from '../hf/safetensors.ts';
import type { Rng } from '../rng.ts';
import type { BertConfig } from './config.ts';

/**
 * A parameter under its Hugging Face name. Linear weights are stored [in, out] here (x @ W, no
 * transposed matMul in the forward pass) but [out, in] in checkpoints (torch's Linear): `linear`
 * marks the ones to transpose at the file boundary.
 */
export interface ParamSpec {
  name: string;
  /** shape in tfjs */
  shape: number[];
  linear: boolean;
  init: 'normal' | 'zeros' | 'ones' | 'embedding';
}

export type Params = Map<string, tf.Variable>;

function linearSpecs(name: string, inputs: number, outputs: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [inputs, outputs], linear: true, init: 'normal' },
    { name: `${name}.bias`, shape: [outputs], linear: false, init: 'zeros' },
  ];
}

function layerNormSpecs(name: string, size: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [size], linear: false, init: 'ones' },
    { name: `${name}.bias`, shape: [size], linear: false, init: 'zeros' },
  ];
}

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
    specs.push(
      ...linearSpecs(`${l}.attention.self.query`, d, d),
      ...linearSpecs(`${l}.attention.self.key`, d, d),
      ...linearSpecs(`${l}.attention.self.value`, d, d),
      ...linearSpecs(`${l}.attention.output.dense`, d, d),
      ...layerNormSpecs(`${l}.attention.output.LayerNorm`, d),
      ...linearSpecs(`${l}.intermediate.dense`, d, config.intermediate_size),
      ...linearSpecs(`${l}.output.dense`, config.intermediate_size, d),
      ...layerNormSpecs(`${l}.output.LayerNorm`, d),
    );
  }
  return specs;
}

export function classifierSpecs(hidden: number, labels: number, name = 'classifier'): ParamSpec[] {
  return linearSpecs(name, hidden, labels);
}

/** How many numbers the specs hold (for describing a model). */
export function parameterCount(specs: ParamSpec[]): number {
  return specs.reduce((total, spec) => total + spec.shape.reduce((a, b) => a * b, 1), 0);
}

/** The shape a spec has in a checkpoint file. */
export function fileShape(spec: ParamSpec): number[] {
  return spec.linear ? [spec.shape[1], spec.shape[0]] : spec.shape;
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** transformers' _init_weights: normal(0, initializer_range), zero biases and padding row, unit LayerNorm. */
export function initParams(specs: ParamSpec[], config: BertConfig, rng: Rng): Params {
  const params: Params = new Map();
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (spec.init === 'zeros') values = new Float32Array(size);
    else if (spec.init === 'ones') values = new Float32Array(size).fill(1);
    else {
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
    const raw = tensors.get(spec.name);
    if (!raw) continue;
    const data = Float32Array.from(raw.data);
    const values = spec.linear ? transpose2d(data, raw.shape[0], raw.shape[1]) : data;
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
    out.set(spec.name, {
      shape: fileShape(spec),
      data: spec.linear ? transpose2d(data, spec.shape[0], spec.shape[1]) : Float32Array.from(data),
    });
  }
  return out;
}
