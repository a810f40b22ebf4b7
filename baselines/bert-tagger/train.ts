import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Prediction } from '../../harness/data/types.ts';
import type { TrainContext } from '../../harness/methods/method.ts';
import { canonicalJson, sha256 } from '../../harness/util/hash.ts';
import { useBackend } from '../neural/backend/choose.ts';
import { Rng } from '../neural/rng.ts';
import { AdamW } from '../neural/train/adamw.ts';
import { readProgress, restoreCheckpoint, saveCheckpoint } from '../neural/train/checkpoint.ts';
import { learningRate } from '../neural/train/schedule.ts';
import { trainStep } from '../neural/train/step.ts';
import { bucketBatches } from './batches.ts';
import { chunkSentences } from './chunks.ts';
import type { TaggerParams } from './params.ts';
import { predictSentences } from './predict.ts';
import { buildTagger, type EncoderSource, encoderSource } from './setup.ts';
import { BertTagger } from './tagger-model.ts';
import type { TrainingProgress } from './training-state.ts';

export const MODEL_DIR = 'model';

/** Settings that do not change what is learned, left out of the checkpoint fingerprint. */
const NOT_LEARNING = ['backend', 'checkpoint_every', 'log_every', 'predict_batch_size'] as const;

/**
 * Fine-tunes (or trains from scratch) the tagger: seeded init and shuffling, bucketed batches,
 * AdamW with the chosen schedule and global-norm clipping, a dev evaluation after every epoch
 * for model selection and early stopping, and a resumable checkpoint every checkpoint_every
 * steps, after every epoch and on abort. The selected model ends up in <artifactDir>/model.
 */
export async function trainTagger(ctx: TrainContext<TaggerParams>): Promise<BertTagger> {
  const params = ctx.params;
  const backend = await useBackend(params.backend);
  ctx.recordEnvironment({ backend: backend.route, tfjs: backend });
  const source = encoderSource(params, ctx.baseDir);
  const { tagger, report } = buildTagger(params, source, new Rng(ctx.seed));
  if (report?.ignored.length) ctx.log(`checkpoint tensors not used: ${report.ignored.join(', ')}`);
  if (report?.initialised.length) ctx.log(`freshly initialised: ${report.initialised.join(', ')}`);

  const train = params.train_limit ? ctx.train.slice(0, params.train_limit) : ctx.train;
  const dev = params.dev_limit ? ctx.dev.slice(0, params.dev_limit) : ctx.dev;
  const chunks = chunkSentences(train, tagger.tokenizer, params.max_subwords, tagger.settings.layers);
  const batchesPerEpoch = Math.ceil(chunks.length / params.batch_size);
  const totalSteps = Math.min(params.max_steps ?? Number.POSITIVE_INFINITY, params.epochs * batchesPerEpoch);
  const optimizer = new AdamW(tagger.model.params, {
    beta1: params.betas[0],
    beta2: params.betas[1],
    eps: params.adam_eps,
    weightDecay: params.weight_decay,
  });
  const fingerprint = trainingFingerprint(params, ctx.seed, train.length, source);
  let progress = readProgress<TrainingProgress>(ctx.artifactDir);
  if (progress) {
    if (progress.fingerprint !== fingerprint) {
      throw new Error(
        `${ctx.artifactDir}/checkpoint belongs to other training settings; delete it to start over`,
      );
    }
    restoreCheckpoint(ctx.artifactDir, progress, tagger.model.params, optimizer);
    ctx.log(
      `resuming at step ${progress.step} (epoch ${progress.epoch + 1}, batch ${progress.batchInEpoch})`,
    );
  } else {
    progress = {
      fingerprint,
      step: 0,
      epoch: 0,
      batchInEpoch: 0,
      dropoutRng: new Rng(ctx.seed ^ 0x5eed).state(),
      optimizerStep: 0,
      epochsWithoutGain: 0,
      finished: false,
    };
  }
  ctx.tracker.logParam('parameters', countParameters(tagger));
  ctx.tracker.logParam('train_chunks', chunks.length);
  ctx.tracker.logParam('total_steps', totalSteps);

  const dropoutRng = new Rng(progress.dropoutRng);
  const checkpoint = async () => {
    progress.dropoutRng = dropoutRng.state();
    await saveCheckpoint(ctx.artifactDir, progress, tagger.model.params, optimizer);
  };
  let pendingLosses: tf.Scalar[] = [];
  let pendingNorm: tf.Scalar | undefined;

  while (!progress.finished) {
    const epoch = progress.epoch;
    const batches = bucketBatches(chunks, params.batch_size, epochRng(ctx.seed, epoch));
    ctx.progress.start(`train epoch ${epoch + 1}/${params.epochs}`, batches.length, 'batch');
    ctx.progress.advance(progress.batchInEpoch);
    while (progress.batchInEpoch < batches.length && progress.step < totalSteps) {
      const batch = batches[progress.batchInEpoch];
      const lr = learningRate(progress.step, {
        name: params.schedule,
        peak: params.learning_rate,
        totalSteps,
        cutFrac: params.cut_frac,
        ratio: params.stlr_ratio,
        warmup: params.warmup,
      });
      const { loss, norm } = trainStep(
        () => tagger.loss(batch, dropoutRng, params.dropout),
        tagger.model.params,
        optimizer,
        lr,
        params.clip_norm,
      );
      pendingLosses.push(loss);
      pendingNorm?.dispose();
      pendingNorm = norm;
      progress.step++;
      progress.batchInEpoch++;
      ctx.progress.advance();
      if (progress.step % params.log_every === 0 || progress.batchInEpoch === batches.length) {
        const losses = await Promise.all(pendingLosses.map(async (l) => (await l.data())[0]));
        const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
        ctx.tracker.logMetric('train.loss', mean, progress.step);
        ctx.tracker.logMetric('train.lr', lr, progress.step);
        if (pendingNorm)
          ctx.tracker.logMetric('train.grad_norm', (await pendingNorm.data())[0], progress.step);
        ctx.progress.status(`loss ${mean.toFixed(4)}`);
        tf.dispose(pendingLosses);
        pendingLosses = [];
      }
      if (progress.step % params.checkpoint_every === 0) await checkpoint();
      if (ctx.signal.aborted) {
        await checkpoint();
        ctx.signal.throwIfAborted();
      }
    }
    if (progress.batchInEpoch >= batches.length) {
      progress.epoch++;
      progress.batchInEpoch = 0;
    }
    const stop = await selectOnDev(ctx, tagger, dev, progress, source);
    progress.finished = stop || progress.step >= totalSteps || progress.epoch >= params.epochs;
    await checkpoint();
  }
  tf.dispose(pendingLosses);
  pendingNorm?.dispose();
  optimizer.dispose();

  const modelDir = join(ctx.artifactDir, MODEL_DIR);
  if (!progress.best || !existsSync(modelDir)) {
    await saveModel(tagger, ctx.artifactDir, source);
    return tagger;
  }
  // The selected epoch's weights are in model/: predict with those, not the last ones.
  tagger.dispose();
  ctx.log(
    `selected the model of epoch ${progress.best.epoch} (dev ${params.select_by} ${progress.best.score.toFixed(4)})`,
  );
  return BertTagger.load(modelDir);
}

/**
 * Scores the current model on dev; keeps it in model/ when it is the best so far. Returns true
 * when early stopping says to stop. Without dev sentences there is nothing to select on.
 */
async function selectOnDev(
  ctx: TrainContext<TaggerParams>,
  tagger: BertTagger,
  dev: TrainContext['dev'],
  progress: TrainingProgress,
  source: EncoderSource,
): Promise<boolean> {
  if (dev.length === 0) return false;
  const params = ctx.params;
  ctx.progress.start(`dev after epoch ${progress.epoch}`, dev.length, 'sentence');
  const predictions: Prediction[] = [];
  for await (const prediction of predictSentences(tagger, dev, params.predict_batch_size, ctx.signal)) {
    predictions.push(prediction);
    ctx.progress.advance();
  }
  const order = new Map(dev.map((sentence, i) => [sentence.id, i]));
  predictions.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const metrics = ctx.scoreDev(predictions);
  const score = metrics[params.select_by];
  if (score === undefined) {
    throw new Error(
      `select_by "${params.select_by}" is not a dev metric; some that are: ${Object.keys(metrics).slice(0, 12).join(', ')}`,
    );
  }
  for (const name of new Set([
    params.select_by,
    'nervaluate.overall.f1',
    'nereval.overall.f1',
    'set.overall.f1',
  ])) {
    if (metrics[name] !== undefined) ctx.tracker.logMetric(`dev.${name}`, metrics[name], progress.step);
  }
  ctx.progress.status(`dev ${params.select_by} ${(100 * score).toFixed(1)}`);
  if (!progress.best || score > progress.best.score) {
    progress.best = { score, epoch: progress.epoch, step: progress.step };
    progress.epochsWithoutGain = 0;
    await saveModel(tagger, ctx.artifactDir, source);
    return false;
  }
  progress.epochsWithoutGain++;
  return params.patience > 0 && progress.epochsWithoutGain >= params.patience;
}

/** Writes the tagger to <artifactDir>/model through a temporary folder (never half-written). */
async function saveModel(tagger: BertTagger, artifactDir: string, source: EncoderSource): Promise<void> {
  const target = join(artifactDir, MODEL_DIR);
  const temporary = `${target}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  await tagger.save(temporary, source.tokenizerDir);
  rmSync(target, { recursive: true, force: true });
  renameSync(temporary, target);
}

/** The shuffling of epoch e depends only on the seed and e, so a resumed epoch replays its order. */
function epochRng(seed: number, epoch: number): Rng {
  return new Rng((seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
}

function trainingFingerprint(
  params: TaggerParams,
  seed: number,
  trainSize: number,
  source: EncoderSource,
): string {
  const learning = Object.fromEntries(
    Object.entries(params).filter(([key]) => !(NOT_LEARNING as readonly string[]).includes(key)),
  );
  return sha256(canonicalJson({ learning, seed, trainSize, source: source.kind })).slice(0, 16);
}

export function countParameters(tagger: BertTagger): number {
  let total = 0;
  for (const variable of tagger.model.params.values()) total += variable.size;
  return total;
}
