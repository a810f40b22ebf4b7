import type * as tf from '@tensorflow/tfjs';
import { type BindOptions, bindWeights } from '../hf/bind-weights.ts';
import { readCheckpointWeights, readModelConfig, writeCheckpoint } from '../hf/checkpoint.ts';
import { linear } from '../ops/linear.ts';
import {
  fileTensors,
  initParams,
  type ParamSpec,
  type Params,
  paramsFromTensors,
  tensorsFromParams,
} from '../params.ts';
import type { Rng } from '../rng.ts';
import { type BertConfig, parseBertConfig } from './config.ts';
import { bertEncode, type EncoderInputs } from './encoder.ts';
import { bertEncoderSpecs, classifierSpecs } from './params.ts';

/** Old TF-converted checkpoints spell LayerNorm's parameters gamma / beta. */
function modernName(name: string): string {
  return name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
}

/**
 * Checkpoint tensors a BERT encoder never uses, skipped by name (and reported): the pooler,
 * pretraining heads (MLM / NSP), and the position_ids buffer older versions saved.
 */
export const BERT_IGNORABLE = [/(^|\.)pooler\./, /^cls\./, /(^|\.)embeddings\.position_ids$/];

export interface LoadReport {
  ignored: string[];
  /** optional weights absent from the checkpoint and freshly initialised */
  initialised: string[];
}

/**
 * A BERT encoder with an optional token-classification head (BertForTokenClassification: a
 * Linear on the last hidden state). Parameter names are transformers' names.
 */
export class BertTokenModel {
  constructor(
    readonly config: BertConfig,
    readonly params: Params,
    /** classifier outputs; 0 for a bare encoder (BertModel) */
    readonly numLabels: number,
    /** `bert.` inside a task model, empty for a bare BertModel checkpoint */
    readonly prefix: string,
  ) {}

  static specs(config: BertConfig, numLabels: number, prefix: string): ParamSpec[] {
    return [
      ...bertEncoderSpecs(config, prefix),
      ...(numLabels > 0 ? classifierSpecs(config.hidden_size, numLabels) : []),
    ];
  }

  get specs(): ParamSpec[] {
    return BertTokenModel.specs(this.config, this.numLabels, this.prefix);
  }

  /** A freshly initialised model (seeded). */
  static create(config: BertConfig, numLabels: number, rng: Rng): BertTokenModel {
    const specs = BertTokenModel.specs(config, numLabels, 'bert.');
    return new BertTokenModel(config, initParams(specs, config, rng), numLabels, 'bert.');
  }

  /**
   * Loads a Hugging Face BERT folder. numLabels undefined keeps the checkpoint's own classifier
   * (or none); a number asks for a head of that size, initialised from rng when the checkpoint
   * has none (a pretrained encoder about to be fine-tuned).
   */
  static load(
    dir: string,
    options: { numLabels?: number; rng?: Rng } = {},
  ): { model: BertTokenModel; report: LoadReport } {
    const config = parseBertConfig(readModelConfig(dir), `${dir}/config.json`);
    const found = readCheckpointWeights(dir);
    const names = [...found.keys()].map(modernName);
    const prefix = names.some((name) => name.startsWith('bert.')) ? 'bert.' : '';
    const fileLabels = found.get('classifier.weight')?.shape[0] ?? 0;
    const numLabels = options.numLabels ?? fileLabels;
    const freshHead = numLabels > 0 && fileLabels !== numLabels;
    const specs = BertTokenModel.specs(config, numLabels, prefix);
    const bindOptions: BindOptions = {
      rename: modernName,
      ignore: [...BERT_IGNORABLE, ...(numLabels === 0 ? [/^classifier\./] : [])],
      optional: freshHead ? [/^classifier\./] : [],
    };
    const bound = bindWeights(
      freshHead ? withoutClassifier(found) : found,
      specs.flatMap(fileTensors),
      dir,
      bindOptions,
    );
    const params = paramsFromTensors(specs, bound.tensors);
    if (bound.absent.length > 0) {
      if (!options.rng) throw new Error(`no rng to initialise ${bound.absent.join(', ')}`);
      const fresh = initParams(
        specs.filter((spec) => fileTensors(spec).some((file) => bound.absent.includes(file.name))),
        config,
        options.rng,
      );
      for (const [name, variable] of fresh) params.set(name, variable);
    }
    return {
      model: new BertTokenModel(config, params, numLabels, prefix),
      report: {
        // a classifier of another size is replaced, and says so
        ignored: [
          ...bound.ignored,
          ...(freshHead ? [...found.keys()].filter((n) => n.startsWith('classifier.')) : []),
        ],
        initialised: bound.absent,
      },
    };
  }

  encode(inputs: EncoderInputs, rng?: Rng): tf.Tensor3D {
    return bertEncode(this.params, this.config, inputs, rng, this.prefix);
  }

  /** [B, T, numLabels] from a hidden state [B, T, hidden]. */
  classify(hidden: tf.Tensor3D): tf.Tensor3D {
    if (this.numLabels === 0) throw new Error('this BERT model has no classifier');
    return linear(
      hidden,
      this.params.get('classifier.weight')!,
      this.params.get('classifier.bias')!,
    ) as tf.Tensor3D;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /** Writes config.json + model.safetensors (transformers can load the folder). */
  async save(dir: string, config: Record<string, unknown> = this.config): Promise<void> {
    writeCheckpoint(dir, config, await tensorsFromParams(this.specs, this.params));
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }
}

function withoutClassifier<T>(found: Map<string, T>): Map<string, T> {
  return new Map([...found].filter(([name]) => !name.startsWith('classifier.')));
}
