/**
 * Times a whole bert-tagger training outside the runner (for sizing profiles): trains on
 * SkillSpan train with dev selection, then predicts test, printing per-epoch wall time, loss and
 * dev F1, and the final dev / test scores. Params come as JSON on the command line, e.g.
 *   node --import=tsx bench/neural-train-time.ts '{"epochs": 8}' [artifactDir]
 * Checkpoints go to artifactDir (default: a fresh temporary folder), so a killed timing resumes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bertTaggerMethod } from '../baselines/bert-tagger/method.ts';
import { taggerParams } from '../baselines/bert-tagger/params.ts';
import { loadDataset } from '../harness/data/datasets.ts';
import type { Prediction } from '../harness/data/types.ts';
import type { TrainContext } from '../harness/methods/method.ts';
import { scoreSplit } from '../harness/runner/score-split.ts';

const params = taggerParams.parse(JSON.parse(process.argv[2] ?? '{}'));
const artifactDir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'bert-tagger-time-'));
const train = loadDataset('skillspan:train').sentences;
const dev = loadDataset('skillspan:dev').sentences;
const test = loadDataset('skillspan:test').sentences;
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 60000).toFixed(1)} min`;
let phase = '';
const ctx: TrainContext<typeof params> = {
  params,
  seed: Number(process.env.SEED ?? 3477689),
  runKey: 'timing',
  baseDir: process.cwd(),
  artifactDir,
  tracker: {
    logMetric: (name, value, step) => {
      if (name.startsWith('dev.') || (name === 'train.loss' && (step ?? 0) % 100 === 0)) {
        console.log(`[${elapsed()}] ${phase} step ${step}: ${name} ${value.toFixed(4)}`);
      }
    },
    logParam: (name, value) => console.log(`param ${name} = ${value}`),
  },
  cache: { get: () => undefined, set: () => {} },
  progress: { start: (p) => (phase = p), advance: () => {}, status: () => {} },
  signal: new AbortController().signal,
  log: (message) => console.log(`[${elapsed()}] ${message}`),
  recordEnvironment: (facts) => console.log('environment', JSON.stringify(facts)),
  train,
  dev,
  scoreDev: (predictions) => scoreSplit(dev, predictions).metrics,
};
console.log(`artifacts in ${artifactDir}; params ${JSON.stringify(params)}`);
const tagger = await bertTaggerMethod.train(ctx);
console.log(`[${elapsed()}] trained`);
for (const [split, sentences] of [
  ['dev', dev],
  ['test', test],
] as const) {
  const predictions: Prediction[] = [];
  const context = { ...ctx, split, splitSentences: sentences, status: () => {} };
  for await (const p of bertTaggerMethod.predict(context, sentences, tagger)) predictions.push(p);
  const order = new Map(sentences.map((s, i) => [s.id, i]));
  predictions.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const m = scoreSplit(sentences, predictions).metrics;
  console.log(
    `[${elapsed()}] ${split}: nereval ${m['nereval.overall.f1']?.toFixed(4)} nervaluate ${m['nervaluate.overall.f1']?.toFixed(4)} set ${m['set.overall.f1']?.toFixed(4)} (SKILL ${m['set.SKILL.f1']?.toFixed(4)}, KNOWLEDGE ${m['set.KNOWLEDGE.f1']?.toFixed(4)})`,
  );
}
