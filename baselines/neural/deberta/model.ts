import type * as tf from '@tensorflow/tfjs';
import { bindWeights } from '../hf/bind-weights.ts';
import { readCheckpointWeights, readModelConfig, writeCheckpoint } from '../hf/checkpoint.ts';
import type { RawTensor } from '../hf/safetensors.ts';
import {
  fileTensors,
  initParams,
  type ParamSpec,
  type Params,
  paramsFromTensors,
  tensorsFromParams,
} from '../params.ts';
import type { Rng } from '../rng.ts';
import { type DebertaConfig, parseDebertaConfig } from './config.ts';
import { type DebertaInputs, debertaEncode } from './encoder.ts';
import { debertaEncoderSpecs } from './params.ts';

/**
 * Checkpoint tensors a DeBERTa encoder never uses, skipped by name (and reported): the
 * position_ids buffer, the pooler and the pretraining heads (MLM, RTD, enhanced mask decoder).
 */
export const DEBERTA_IGNORABLE = [
  /(^|\.)embeddings\.position_ids$/,
  /(^|\.)pooler\./,
  /^(cls|lm_predictions|mask_predictions)\./,
];

/**
 * A DeBERTa-v2/v3 encoder (transformers' DebertaV2Model) with parameters under the
 * checkpoint's names, trainable (every op has a gradient on every backend).
 */
export class DebertaModel {
  constructor(
    readonly config: DebertaConfig,
    readonly params: Params,
    /** name prefix of the encoder's weights: '' (DebertaV2Model), 'deberta.', or a GLiNER path */
    readonly prefix: string,
  ) {}

  get specs(): ParamSpec[] {
    return debertaEncoderSpecs(this.config, this.prefix);
  }

  /** A freshly initialised encoder (transformers' _init_weights, seeded). */
  static create(config: DebertaConfig, rng: Rng, prefix = ''): DebertaModel {
    return new DebertaModel(config, initParams(debertaEncoderSpecs(config, prefix), config, rng), prefix);
  }

  /**
   * Loads a Hugging Face deberta-v2 folder (config.json + model.safetensors or
   * pytorch_model.bin). Strict: every encoder weight must be there with its shape, and anything
   * else must be a known pretraining-only tensor or, in a task model (weights under
   * `deberta.`), its head; both are returned in `ignored`.
   */
  static load(dir: string): { model: DebertaModel; ignored: string[] } {
    const config = parseDebertaConfig(readModelConfig(dir), `${dir}/config.json`);
    const found = readCheckpointWeights(dir);
    const prefix = [...found.keys()].some((name) => name.startsWith('deberta.')) ? 'deberta.' : '';
    // a task model (DebertaV2For...): its head is not part of the encoder, and is reported
    const heads = prefix ? [...found.keys()].filter((name) => !name.startsWith(prefix)) : [];
    const loaded = DebertaModel.fromTensors(config, found, dir, prefix);
    return { model: loaded.model, ignored: [...loaded.ignored, ...heads] };
  }

  /**
   * The encoder from checkpoint tensors already read (a GLiNER state dict, say). Tensors under
   * other prefixes than `prefix` are left to the caller: only names starting with prefix are
   * bound, strictly, and `ignore` patterns (besides DEBERTA_IGNORABLE) skip more of them.
   */
  static fromTensors(
    config: DebertaConfig,
    found: Map<string, RawTensor>,
    source: string,
    prefix = '',
    ignore: RegExp[] = [],
  ): { model: DebertaModel; ignored: string[] } {
    const specs = debertaEncoderSpecs(config, prefix);
    const own = new Map([...found].filter(([name]) => name.startsWith(prefix)));
    const bound = bindWeights(own, specs.flatMap(fileTensors), source, {
      ignore: [...DEBERTA_IGNORABLE, ...ignore],
    });
    return {
      model: new DebertaModel(config, paramsFromTensors(specs, bound.tensors), prefix),
      ignored: bound.ignored,
    };
  }

  /** The last hidden state [B, T, hidden]; dropout only when an rng is given (training). */
  encode(inputs: DebertaInputs, rng?: Rng): tf.Tensor3D {
    return debertaEncode(this.params, this.config, inputs, rng, this.prefix);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /** The weights in checkpoint layout ([out, in] Linear weights, query/key/value apart). */
  tensors(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
    return tensorsFromParams(this.specs, this.params);
  }

  /** Writes config.json + model.safetensors (transformers' DebertaV2Model loads the folder). */
  async save(dir: string, config: Record<string, unknown> = this.config): Promise<void> {
    writeCheckpoint(dir, config, await this.tensors());
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }
}
