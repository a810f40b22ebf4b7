import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../neural/rng.ts';
import { AdamW } from '../neural/train/adamw.ts';
import {
  type CheckpointProgress,
  readProgress,
  restoreCheckpoint,
  saveCheckpoint,
} from '../neural/train/checkpoint.ts';
import { clipGlobalNorm } from '../neural/train/clip.ts';
import { learningRate } from '../neural/train/schedule.ts';
import { buildBatch, type GlinerItem, promptedLength } from './inputs.ts';
import { microBatches } from './micro-batches.ts';
import { type GlinerModel, isDecayed, isEncoderParam } from './model.ts';
import { datasetTypes, sampleTypes } from './sampling.ts';
import type { GlinerExample } from './skillspan.ts';

/** The fine-tuning recipe of the Skill-LLM notebook (GLiNER Trainer on HF's Trainer). */
export interface TrainSettings {
  steps: number;
  batchSize: number;
  /** cap on micro-batch items x longest sentence (words + prompt) */
  microBatchWords: number;
  /** token_rep_layer (backbone + projection) */
  lrEncoder: number;
  weightDecayEncoder: number;
  /** LSTM, span and prompt layers */
  lrOthers: number;
  weightDecayOthers: number;
  warmupRatio: number;
  clipNorm: number;
  checkpointEvery: number;
  seed: number;
  /** identifies the settings; a checkpoint of other settings is refused */
  fingerprint: string;
}

export interface TrainProgress extends CheckpointProgress {
  fingerprint: string;
  step: number;
  /** label sampling and dropout: their states at the checkpoint */
  samplingRng: RngState;
  dropoutRng: RngState;
  finished: boolean;
}

export interface TrainHooks {
  log(message: string): void;
  metric(name: string, value: number, step: number): void;
  progress(step: number, total: number, status: string): void;
  signal?: AbortSignal;
}

/**
 * Trains the model in place: per step, one batch of batchSize examples in a seeded shuffled
 * order (epochs reshuffled, no drop_last), v0.2.9's type sampling per item, micro-batches with
 * exact gradient accumulation, one global-norm clip over all parameters, and AdamW with two
 * parameter groups on transformers' linear schedule. Checkpoints (parameters, both optimizers'
 * moments, RNG states, step) every checkpointEvery steps and on abort, into artifactDir; a
 * later call with the same fingerprint resumes there.
 */
export async function trainGliner(
  model: GlinerModel,
  examples: readonly GlinerExample[],
  settings: TrainSettings,
  artifactDir: string,
  hooks: TrainHooks,
): Promise<TrainProgress> {
  if (examples.length === 0) throw new Error('no training examples');
  const params = model.params;
  const { optimizers, peaks } = glinerOptimizers(model, settings);

  let progress = readProgress<TrainProgress>(artifactDir);
  if (progress) {
    if (progress.fingerprint !== settings.fingerprint)
      throw new Error(
        `${artifactDir}/checkpoint belongs to other training settings; delete it to start over`,
      );
    restoreCheckpoint(artifactDir, progress, params, optimizers);
    hooks.log(`resuming GLiNER training at step ${progress.step}/${settings.steps}`);
  } else {
    progress = {
      fingerprint: settings.fingerprint,
      step: 0,
      optimizerStep: 0,
      samplingRng: new Rng(settings.seed ^ 0x5a3b).state(),
      dropoutRng: new Rng(settings.seed ^ 0x5eed).state(),
      finished: false,
    };
  }
  const samplingRng = new Rng(progress.samplingRng);
  const dropoutRng = new Rng(progress.dropoutRng);
  const types = datasetTypes(examples);
  const perEpoch = Math.ceil(examples.length / settings.batchSize);
  let epochOrder: { epoch: number; order: number[] } | undefined;
  const batchAt = (step: number): GlinerExample[] => {
    const epoch = Math.floor(step / perEpoch);
    if (epochOrder?.epoch !== epoch) {
      // each epoch's order from its own seed: a resumed run needs no stored permutation
      epochOrder = {
        epoch,
        order: new Rng(settings.seed * 1000003 + epoch).shuffle(examples.map((_, i) => i)),
      };
    }
    const from = (step % perEpoch) * settings.batchSize;
    return epochOrder.order.slice(from, from + settings.batchSize).map((i) => examples[i]);
  };
  const checkpoint = async () => {
    progress.samplingRng = samplingRng.state();
    progress.dropoutRng = dropoutRng.state();
    await saveCheckpoint(artifactDir, progress, params, optimizers);
  };

  const started = Date.now();
  const startStep = progress.step;
  while (progress.step < settings.steps) {
    const items: GlinerItem[] = batchAt(progress.step).map((example) => ({
      words: example.tokens,
      classes: sampleTypes(example, types, samplingRng, model.typeSampling),
      ner: example.ner,
    }));
    const { loss, norm, words } = accumulateAndStep(
      model,
      items,
      settings,
      optimizers,
      peaks,
      progress.step,
      dropoutRng,
    );
    const lossValue = (await loss.data())[0];
    const normValue = (await norm.data())[0];
    tf.dispose([loss, norm]);
    progress.step++;
    const lr = learningRate(progress.step - 1, {
      name: 'transformers-linear',
      peak: 1,
      totalSteps: settings.steps,
      warmup: settings.warmupRatio,
    });
    hooks.metric('train.loss', lossValue, progress.step);
    hooks.metric('train.grad_norm', normValue, progress.step);
    hooks.metric('train.lr_encoder', lr * settings.lrEncoder, progress.step);
    const seconds = (Date.now() - started) / 1000;
    const rate = (progress.step - startStep) / Math.max(seconds, 1e-3);
    hooks.progress(
      progress.step,
      settings.steps,
      `loss ${lossValue.toFixed(2)} |g| ${normValue.toFixed(1)} ${words} words, ${(1 / rate).toFixed(1)} s/step, ETA ${Math.round((settings.steps - progress.step) / rate)} s`,
    );
    if (progress.step % settings.checkpointEvery === 0 || progress.step === settings.steps)
      await checkpoint();
    if (hooks.signal?.aborted) {
      await checkpoint();
      hooks.signal.throwIfAborted();
    }
  }
  progress.finished = true;
  await checkpoint();
  for (const optimizer of optimizers) optimizer.dispose();
  return progress;
}

/** AdamW for each of GLiNER's parameter groups (token_rep_layer, the rest) with its peak rate. */
export function glinerOptimizers(
  model: GlinerModel,
  settings: Pick<TrainSettings, 'lrEncoder' | 'lrOthers' | 'weightDecayEncoder' | 'weightDecayOthers'>,
): { optimizers: AdamW[]; peaks: number[] } {
  const params = model.params;
  const group = (encoder: boolean) =>
    new Map([...params].filter(([name]) => isEncoderParam(name) === encoder));
  const adam = (p: Map<string, tf.Variable>, weightDecay: number) =>
    new AdamW(p, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decays: isDecayed });
  return {
    optimizers: [
      adam(group(true), settings.weightDecayEncoder),
      adam(group(false), settings.weightDecayOthers),
    ],
    peaks: [settings.lrEncoder, settings.lrOthers],
  };
}

/**
 * One optimizer step on a batch: the summed loss's gradients over its micro-batches, one clip
 * over every gradient, then each group's AdamW at its own peak times the schedule.
 */
export function accumulateAndStep(
  model: GlinerModel,
  items: GlinerItem[],
  settings: Pick<TrainSettings, 'microBatchWords' | 'clipNorm' | 'steps' | 'warmupRatio'>,
  optimizers: AdamW[],
  peaks: number[],
  step: number,
  dropoutRng: Rng,
): { loss: tf.Scalar; norm: tf.Scalar; words: number } {
  const params = model.params;
  const nameOf = new Map([...params].map(([name, v]) => [v.name, name]));
  let total: tf.Scalar | undefined;
  const sums = new Map<string, tf.Tensor>();
  let words = 0;
  for (const group of microBatches(items, promptedLength, settings.microBatchWords)) {
    const batch = buildBatch(group, model.tokenizer, model.settings);
    words += group.reduce((n, item) => n + item.words.length, 0);
    const { value, grads } = tf.variableGrads(() => model.loss(batch, dropoutRng), [...params.values()]);
    for (const [variableName, g] of Object.entries(grads)) {
      const name = nameOf.get(variableName)!;
      const previous = sums.get(name);
      sums.set(name, previous ? tf.add(previous, g) : g);
      if (previous) tf.dispose([previous, g]);
    }
    const previousTotal = total;
    total = previousTotal ? (tf.add(previousTotal, value) as tf.Scalar) : value;
    if (previousTotal) tf.dispose([previousTotal, value]);
  }
  const { grads, norm } = clipGlobalNorm(sums, settings.clipNorm);
  tf.dispose([...sums.values()]);
  const rate = learningRate(step, {
    name: 'transformers-linear',
    peak: 1,
    totalSteps: settings.steps,
    warmup: settings.warmupRatio,
  });
  // each optimizer reads the gradients of its own group from the map
  optimizers.forEach((optimizer, i) => {
    optimizer.apply(grads, rate * peaks[i], 0);
  });
  tf.dispose([...grads.values()]);
  return { loss: total!, norm, words };
}
