import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sentence } from '../../harness/data/types.ts';
import type { TrainContext } from '../../harness/methods/method.ts';
import { canonicalJson, sha256 } from '../../harness/util/hash.ts';
import { useBackend } from '../neural/backend/choose.ts';
import { parameterCount } from '../neural/params.ts';
import { Rng } from '../neural/rng.ts';
import { saveGliner } from './load.ts';
import type { GlinerModel } from './model.ts';
import type { GlinerParams } from './params.ts';
import { type TextLogits, textLogits } from './predict.ts';
import { buildGliner, glinerSource, writeScratchTokenizer } from './setup.ts';
import { convertSentence } from './skillspan.ts';
import { chooseThreshold, type ThresholdChoice } from './threshold.ts';
import { trainGliner } from './train.ts';

export const MODEL_DIR = 'model';
export const THRESHOLD_FILE = 'threshold.json';

/** Settings that do not change what is learned, left out of the checkpoint fingerprint. */
const NOT_LEARNING = [
  'backend',
  'checkpoint_every',
  'predict_batch_size',
  'threshold',
  'threshold_grid',
  'flat_ner',
  'dev_limit',
];

/**
 * The method's training phase: build (or load) the model, fine-tune it with the notebook's
 * recipe (resuming from a checkpoint), save it as a GLiNER folder in <artifactDir>/model, then
 * pick the decoding threshold on dev (or take the given one) and save it beside the model.
 */
export async function trainAndSelect(
  ctx: TrainContext<GlinerParams>,
): Promise<{ model: GlinerModel; threshold: number }> {
  const params = ctx.params;
  const backend = await useBackend(params.backend);
  ctx.recordEnvironment({ backend: backend.route, tfjs: backend });
  const source = glinerSource(params, ctx.baseDir);
  const model = buildGliner(params, source, new Rng(ctx.seed));
  ctx.tracker.logParam('parameters', parameterCount(model.specs));
  const train = params.train_limit ? ctx.train.slice(0, params.train_limit) : ctx.train;
  const examples = train.map((sentence) => convertSentence(sentence).example);
  if (params.steps > 0) {
    const learning = Object.fromEntries(Object.entries(params).filter(([k]) => !NOT_LEARNING.includes(k)));
    await trainGliner(
      model,
      examples,
      {
        steps: params.steps,
        batchSize: params.batch_size,
        microBatchWords: params.micro_batch_words,
        lrEncoder: params.lr_encoder,
        weightDecayEncoder: params.weight_decay_encoder,
        lrOthers: params.lr_others,
        weightDecayOthers: params.weight_decay_others,
        warmupRatio: params.warmup_ratio,
        clipNorm: params.clip_norm,
        checkpointEvery: params.checkpoint_every,
        seed: ctx.seed,
        fingerprint: sha256(canonicalJson({ learning, seed: ctx.seed, train: train.length })),
      },
      ctx.artifactDir,
      {
        log: (message) => ctx.log(message),
        metric: (name, value, step) => ctx.tracker.logMetric(name, value, step),
        progress: (step, total, status) => {
          if (step <= 1) ctx.progress.start('train GLiNER', total, 'step');
          ctx.progress.advance();
          ctx.progress.status(status);
        },
        signal: ctx.signal,
      },
    );
  }
  const modelDir = join(ctx.artifactDir, MODEL_DIR);
  await saveGliner(model, modelDir, source.kind === 'pretrained' ? source.dir : undefined);
  if (source.kind === 'scratch') writeScratchTokenizer(source.tokenizerDir, modelDir);

  let choice: ThresholdChoice | { threshold: number; procedure: string };
  if (params.threshold === 'dev') {
    const dev = params.dev_limit ? ctx.dev.slice(0, params.dev_limit) : ctx.dev;
    ctx.progress.start('dev logits for the threshold sweep', dev.length, 'sentence');
    const logits: TextLogits[] = new Array(dev.length);
    for await (const { index, logits: rows } of predictSentenceLogits(model, dev, params, ctx.signal)) {
      logits[index] = rows;
      ctx.progress.advance();
    }
    const sweep = chooseThreshold(dev, logits, params.labels, params.threshold_grid, params.flat_ner, (p) => {
      return ctx.scoreDev(p)['nervaluate.overall.f1'] ?? 0;
    });
    for (const [threshold, f1] of sweep.curve)
      ctx.tracker.logMetric('dev.threshold_sweep.nervaluate.f1', f1, Math.round(threshold * 100));
    ctx.log(
      `threshold ${sweep.threshold} chosen on dev (nervaluate strict F1 ${(100 * sweep.f1).toFixed(2)})`,
    );
    choice = sweep;
  } else {
    choice = { threshold: params.threshold, procedure: 'fixed by the experiment' };
  }
  ctx.tracker.logParam('threshold', choice.threshold);
  ctx.tracker.logParam('threshold_procedure', choice.procedure);
  writeFileSync(join(modelDir, THRESHOLD_FILE), `${JSON.stringify(choice, null, 2)}\n`);
  return { model, threshold: choice.threshold };
}

/**
 * Logits of sentences, each its tokens joined by single spaces and re-split by GLiNER's regex
 * (as the authors predicted), in batches of similar length; index is the sentence's position.
 */
export async function* predictSentenceLogits(
  model: GlinerModel,
  sentences: readonly Sentence[],
  params: Pick<GlinerParams, 'labels' | 'predict_batch_size'>,
  signal?: AbortSignal,
): AsyncGenerator<{ index: number; sentence: Sentence; logits: TextLogits }> {
  const texts = sentences.map((s) => s.tokens.join(' '));
  for await (const { index, result } of textLogits(
    model,
    texts,
    params.labels,
    params.predict_batch_size,
    signal,
  )) {
    yield { index, sentence: sentences[index], logits: result };
  }
}
