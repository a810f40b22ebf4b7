import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { buildBatch } from '../../baselines/gliner/inputs.ts';
import { loadGliner, saveGliner } from '../../baselines/gliner/load.ts';
import { glinerMethod, type TrainedGliner } from '../../baselines/gliner/method.ts';
import { type GlinerParams, glinerParams } from '../../baselines/gliner/params.ts';
import { buildGliner, glinerSource, writeScratchTokenizer } from '../../baselines/gliner/setup.ts';
import { splitWords } from '../../baselines/gliner/words.ts';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { Rng } from '../../baselines/neural/rng.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { fakeTrainContext, predictContext } from '../bert-tagger/context.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { maxAbsDiff } from '../neural/gradcheck.ts';

const train = loadDataset('skillspan:train').sentences.slice(0, 24);
const dev = loadDataset('skillspan:dev').sentences.slice(0, 8);

const tiny = (extra: Partial<GlinerParams> = {}): GlinerParams =>
  glinerParams.parse({
    config: {
      hidden_size: 32,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 64,
      span_hidden_size: 16,
    },
    steps: 6,
    batch_size: 8,
    micro_batch_words: 120,
    lr_encoder: 1e-3,
    lr_others: 1e-3,
    threshold_grid: [0.2, 0.5, 0.8],
    checkpoint_every: 100,
    backend: 'wasm',
    ...extra,
  });

test.before(async () => {
  await useBackend('wasm');
});

test('an interrupted run resumes to exactly the weights and moments of an uninterrupted one', async (t) => {
  const params = tiny();
  const whole = fakeTrainContext(params, train, dev);
  const trained = await glinerMethod.train(whole);
  t.deepEqual(
    whole.metrics.filter((m) => m.name === 'train.loss').map((m) => m.step),
    [1, 2, 3, 4, 5, 6],
  );

  const controller = new AbortController();
  const first = fakeTrainContext(params, train, dev, {
    signal: controller.signal,
    onMetric: (m) => {
      if (m.name === 'train.loss' && m.step === 4) controller.abort();
    },
  });
  await t.throwsAsync(glinerMethod.train(first), { any: true });
  const progress = JSON.parse(readFileSync(join(first.artifactDir, 'checkpoint', 'progress.json'), 'utf8'));
  t.is(progress.step, 4);
  const second = fakeTrainContext(params, train, dev, { artifactDir: first.artifactDir });
  glinerMethod.dispose(await glinerMethod.train(second));
  t.deepEqual(
    second.metrics.filter((m) => m.name === 'train.loss').map((m) => m.step),
    [5, 6],
  );
  const bytes = (ctx: { artifactDir: string }, file: string) => readFileSync(join(ctx.artifactDir, file));
  for (const file of [
    'checkpoint/weights.safetensors',
    'checkpoint/optimizer.safetensors',
    'model/model.safetensors',
  ])
    t.true(bytes(second, file).equals(bytes(whole, file)), file);
  const threshold = JSON.parse(readFileSync(join(whole.artifactDir, 'model', 'threshold.json'), 'utf8'));
  t.true([0.2, 0.5, 0.8].includes(threshold.threshold));
  t.is(threshold.curve.length, 3);

  // predict from memory and from the saved folder: one prediction per sentence, the same ones
  const test_ = loadDataset('skillspan:test').sentences.slice(0, 10);
  const collect = async (ctx: typeof whole, model: TrainedGliner) => {
    const out = [];
    for await (const p of glinerMethod.predict(predictContext(ctx, test_), test_, model)) out.push(p);
    return out;
  };
  const fromMemory = await collect(whole, trained);
  const again = fakeTrainContext(params, train, dev, { artifactDir: whole.artifactDir });
  const loaded = await glinerMethod.load(again);
  t.is(loaded.threshold, trained.threshold);
  const fromDisk = await collect(again, loaded);
  glinerMethod.dispose(loaded);
  glinerMethod.dispose(trained);
  t.is(fromMemory.length, test_.length);
  t.deepEqual(fromDisk, fromMemory);
  t.true(whole.metrics.some((m) => m.name === 'authors-char-nervaluate.test.overall.f1'));
  t.true(existsSync(join(whole.artifactDir, 'authors-char-nervaluate.test.json')));
});

test('a saved GLiNER folder loads strictly and computes the same logits', async (t) => {
  const params = tiny();
  const model = buildGliner(params, glinerSource(params, process.cwd()), new Rng(7));
  const dir = mkdtempSync(join(tmpdir(), 'gliner-save-'));
  await saveGliner(model, dir);
  writeScratchTokenizer(projectPath('fixtures/hf-reference/tokenizer'), dir);
  const loaded = loadGliner(dir);
  const items = train.slice(0, 3).map((s) => ({
    words: splitWords(s.tokens.join(' ')).map((w) => w.text),
    classes: ['Skill', 'Knowledge'],
  }));
  const batch = buildBatch(items, model.tokenizer, model.settings);
  t.deepEqual([...buildBatch(items, loaded.tokenizer, loaded.settings).inputIds], [...batch.inputIds]);
  const a = model.logits(batch);
  const b = loaded.logits(batch);
  t.is(maxAbsDiff(await a.data(), await b.data()), 0);
  tf.dispose([a, b]);
  model.dispose();
  loaded.dispose();
});

test('smoke profile through the CLI: killed with SIGKILL mid-training, it resumes and gives the results of an unbroken run', async (t) => {
  const file = projectPath('experiments/table2/gliner.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'gliner-kill-'));
  const store = join(dir, 'runs.db');
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--no-report', file, '--profile', 'smoke', '--store', store],
    {
      stdio: 'ignore',
    },
  );
  const progressFile = () => {
    const root = join(dir, 'artifacts');
    if (!existsSync(root)) return undefined;
    for (const key of readdirSync(root)) {
      const path = join(root, key, 'checkpoint', 'progress.json');
      if (existsSync(path)) return path;
    }
    return undefined;
  };
  const killedAt = await new Promise<number>((resolve) => {
    const poll = setInterval(() => {
      const path = progressFile();
      if (!path) return;
      try {
        const { step } = JSON.parse(readFileSync(path, 'utf8'));
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve(step);
      } catch {
        // caught mid-rename: try again
      }
    }, 5);
  });
  await new Promise((resolve) => child.on('close', resolve));
  const smoke = (storePath: string) =>
    runCli(['run', '--no-report', file, '--profile', 'smoke', '--store', storePath, '--format', 'json']);
  const resumed = await smoke(store);
  t.is(resumed.code, 0, resumed.stderr);
  const clean = await smoke(join(dir, 'clean.db'));
  type RunJson = { experiment: string; status: string; metrics: Record<string, number> };
  const scratch = (out: string) =>
    (JSON.parse(out) as RunJson[]).find((r) => r.experiment === 'gliner-scratch')!;
  t.log(`killed after step ${killedAt}`);
  t.true(killedAt < 4, 'killed before training ended');
  t.is(scratch(resumed.stdout).status, 'finished');
  // the authors' protocol is in a file beside the artifacts; the harness's metrics must be equal
  const harness = (out: string) =>
    Object.fromEntries(Object.entries(scratch(out).metrics).filter(([name]) => !name.startsWith('authors-')));
  t.deepEqual(harness(resumed.stdout), harness(clean.stdout));
});
