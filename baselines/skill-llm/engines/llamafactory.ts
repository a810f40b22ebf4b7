import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sentence } from '../../../harness/data/types.ts';
import type { MethodContext, PredictContext, TrainContext } from '../../../harness/methods/method.ts';
import { type ExportOptions, exportSkillLlm } from '../export.ts';
import type { SkillLlmParams } from '../params.ts';
import { ADAPTER_DIR, PAPER_BASE_MODEL, predictionDir } from '../recipe.ts';
import { commandFor, runCommand } from './command.ts';
import { readGeneratedPredictions, wantedAnswers } from './generated-predictions.ts';

/** The folder a run gives LLaMA-Factory: data, YAML, logs, the adapter and the predictions. */
export function workDir(ctx: MethodContext<SkillLlmParams>): string {
  const dir = join(ctx.artifactDir, 'llamafactory');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The adapter predictions use: the params' trained adapter folder, or the one training writes. */
function adapterPath(ctx: MethodContext<SkillLlmParams>): string {
  return ctx.params.lora ? resolve(ctx.baseDir, ctx.params.lora) : ADAPTER_DIR;
}

function baseModel(ctx: MethodContext<SkillLlmParams>): string {
  const model = ctx.params.model ?? PAPER_BASE_MODEL;
  // a local folder is relative to the experiment file; a hub name stays as it is
  return model.startsWith('.') || model.startsWith('/') ? resolve(ctx.baseDir, model) : model;
}

function exportOptions(ctx: MethodContext<SkillLlmParams>): ExportOptions {
  const { params } = ctx;
  return {
    marker: params.marker,
    instructions: params.instructions,
    seed: ctx.seed,
    model: baseModel(ctx),
    train: { template: params.llamafactory.template, ...params.llamafactory.train },
    predict: {
      template: params.llamafactory.template,
      adapter_name_or_path: adapterPath(ctx),
      max_new_tokens: params.max_new_tokens,
      temperature: params.temperature,
      top_p: params.top_p,
      ...params.llamafactory.predict,
    },
  };
}

/** Where a LLaMA-Factory step reports its progress: the training bar, or predict's status text. */
interface StepProgress {
  step(done: number, total: number): void;
  status(text: string): void;
}

/**
 * Follows a Hugging Face Trainer's output: tqdm's "540/1200 [" reports progress, a logged
 * "{'loss': 0.81, ...}" shows in the status; every other line goes to the run's log.
 */
function followTrainer(ctx: MethodContext<SkillLlmParams>, progress: StepProgress): (line: string) => void {
  return (line) => {
    const bar = /(\d+)\/(\d+) \[/.exec(line);
    if (bar) {
      progress.step(Number(bar[1]), Number(bar[2]));
      return;
    }
    const loss = /'loss': ([0-9.eE+-]+)/.exec(line);
    if (loss) progress.status(`loss ${Number(loss[1]).toFixed(4)}`);
    ctx.log(line);
  };
}

/** The training bar of the run's progress, started when the Trainer first says how many steps. */
function trainingBar(ctx: TrainContext<SkillLlmParams>): StepProgress {
  let done = -1;
  return {
    step: (step, total) => {
      if (done < 0) {
        ctx.progress.start('llamafactory train', total, 'step');
        done = 0;
      }
      if (step > done) ctx.progress.advance(step - done);
      done = Math.max(done, step);
    },
    status: (text) => ctx.progress.status(text),
  };
}

/** LoRA fine-tuning with LLaMA-Factory, unless the params name a trained adapter or one is there. */
export async function trainWithLlamaFactory(ctx: TrainContext<SkillLlmParams>): Promise<void> {
  if (ctx.params.lora) return;
  const dir = workDir(ctx);
  if (existsSync(join(dir, ADAPTER_DIR, 'adapter_config.json'))) return;
  const options = exportOptions(ctx);
  const checkpoint = latestCheckpoint(join(dir, ADAPTER_DIR));
  if (checkpoint) {
    // a killed training goes on from its last checkpoint (save_steps) instead of starting over
    options.train = {
      ...options.train,
      resume_from_checkpoint: join(ADAPTER_DIR, checkpoint),
      overwrite_output_dir: false,
    };
    ctx.log(`resuming LLaMA-Factory training from ${checkpoint}`);
  }
  exportSkillLlm(dir, { train: ctx.train }, options);
  await runCommand(commandFor(ctx.params.llamafactory.train_command, 'train.yaml'), {
    cwd: dir,
    onLine: followTrainer(ctx, trainingBar(ctx)),
    logFile: join(dir, 'train.log'),
    signal: ctx.signal,
  });
  logLossCurve(ctx, join(dir, ADAPTER_DIR, 'trainer_log.jsonl'));
}

/** The Trainer's newest checkpoint-<step> folder in the output folder, if any. */
function latestCheckpoint(outputDir: string): string | undefined {
  if (!existsSync(outputDir)) return undefined;
  const steps = readdirSync(outputDir)
    .map((name) => /^checkpoint-(\d+)$/.exec(name))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]));
  return steps.length ? `checkpoint-${Math.max(...steps)}` : undefined;
}

/**
 * The train.loss curve from LLaMA-Factory's trainer_log.jsonl (one {"current_steps", "loss", ...}
 * per logging step), which states the step of each loss (the printed log and the progress bar
 * come through two pipes, in no reliable order).
 */
function logLossCurve(ctx: MethodContext<SkillLlmParams>, file: string): void {
  if (!existsSync(file)) {
    ctx.log(`no ${file}: no loss curve`);
    return;
  }
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let entry: { current_steps?: unknown; loss?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry.loss === 'number' && typeof entry.current_steps === 'number')
      ctx.tracker.logMetric('train.loss', entry.loss, entry.current_steps);
  }
}

/** A split's answers from LLaMA-Factory's predict step (run once per split; its file is reused on resume). */
export async function* llamaFactoryAnswers(
  ctx: PredictContext<SkillLlmParams>,
  sentences: readonly Sentence[],
): AsyncIterable<{ sentence: Sentence; raw: string }> {
  const dir = workDir(ctx);
  const file = join(dir, predictionDir(ctx.split), 'generated_predictions.jsonl');
  if (!existsSync(file)) {
    exportSkillLlm(dir, { [ctx.split]: ctx.splitSentences }, exportOptions(ctx));
    await runCommand(commandFor(ctx.params.llamafactory.predict_command, `predict-${ctx.split}.yaml`), {
      cwd: dir,
      onLine: followTrainer(ctx, {
        step: (step, total) => ctx.status(`llamafactory predict ${step}/${total}`),
        status: (text) => ctx.status(text),
      }),
      logFile: join(dir, `predict-${ctx.split}.log`),
      signal: ctx.signal,
    });
  }
  const answers = readGeneratedPredictions(file, ctx.splitSentences, ctx.params.marker);
  yield* wantedAnswers(ctx.splitSentences, answers, sentences);
}
