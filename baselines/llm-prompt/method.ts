import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sentence } from '../../harness/data/types.ts';
import { llmFingerprint, llmUnavailable, resolvePath } from '../../harness/llm/config.ts';
import { createRunClient, decodingOf, USAGE_FILE } from '../../harness/llm/engines.ts';
import { UsageLedger } from '../../harness/llm/usage.ts';
import type { Method } from '../../harness/methods/method.ts';
import { sha256File } from '../../harness/util/hash.ts';
import { mapConcurrent } from '../../harness/util/semaphore.ts';
import { demoChooser, demoPool, embeddingRanker, tfidfRanker } from './demos.ts';
import { embeddingsConfig, type LlmPromptParams, llmPromptParams } from './params.ts';
import { type Layer, predictSentence } from './predict.ts';

/** The demonstration pool chosen by train(), kept for predict() in a later process. */
const POOL_FILE = 'demo-pool.json';

/**
 * The GPT prompting rows of Table 2 (Nguyen et al., NLP4HR 2024): k + k demonstrations, extract
 * or NER style, format check and re-ask, answers mapped back to tokens. Any OpenAI-compatible
 * server or a local GGUF through harness/llm. "Training" only chooses the demonstration pool.
 */
export const llmPromptMethod: Method<LlmPromptParams, DemoSentences> = {
  name: 'llm-prompt',
  version: '1',
  params: llmPromptParams,
  predictsSplits: () => ['test'],

  unavailable(params, baseDir) {
    for (const file of [params.pool_file, params.demo_file]) {
      if (file && !existsSync(resolvePath(file, baseDir)))
        return `no such file: ${resolvePath(file, baseDir)}`;
    }
    return llmUnavailable(params.llm, baseDir);
  },

  fingerprint(params, baseDir) {
    const fingerprint = llmFingerprint(params.llm, baseDir);
    for (const [name, file] of [
      ['pool_file', params.pool_file],
      ['demo_file', params.demo_file],
    ] as const) {
      const path = file && resolvePath(file, baseDir);
      if (path && existsSync(path)) fingerprint[name] = sha256File(path);
    }
    return fingerprint;
  },

  describe: (params) => ({
    model: params.llm.model ?? params.llm.model_path,
    setup: `${params.demos === 'positives-only' ? `${2 * params.shots} positive` : `${params.shots}+${params.shots}`}-shot ${params.demos} demonstrations, ${params.style} style, ${params.layers.join(' + ')}`,
    backend: params.llm.engine,
  }),

  async train(ctx) {
    const pool = demoPool(ctx.train, ctx.params, ctx.baseDir, ctx.seed);
    // the fixed demonstrations may lie outside the pool: keep every train sentence they name
    const known = new Map(pool.map((sentence) => [sentence.id, sentence]));
    if (ctx.params.demo_file) for (const sentence of ctx.train) known.set(sentence.id, sentence);
    const saved: SavedPool = { pool: pool.map((s) => s.id), sentences: [...known.values()] };
    writeFileSync(join(ctx.artifactDir, POOL_FILE), JSON.stringify(saved));
    ctx.tracker.logParam('demo_pool_size', pool.length);
    return fromSaved(saved);
  },

  load: (ctx) => fromSaved(JSON.parse(readFileSync(join(ctx.artifactDir, POOL_FILE), 'utf8')) as SavedPool),

  async *predict(ctx, sentences, { pool, train }) {
    const { params } = ctx;
    // one ledger for the chat and the embeddings client: they keep the same usage file
    const usage = new UsageLedger(join(ctx.artifactDir, USAGE_FILE));
    const client = createRunClient(params.llm, ctx, usage);
    const embeddings = embeddingsConfig(params);
    const embedder = embeddings && createRunClient(embeddings, ctx, usage);
    const decoding = decodingOf(params.llm, ctx.seed);
    const concurrency = params.llm.engine === 'llama-cpp' ? 1 : params.llm.concurrency;
    try {
      const ranker = embedder ? await embeddingRanker(pool, embedder) : tfidfRanker(pool);
      const layers: Layer[] = params.layers.map((label) => ({
        label,
        // one layer asking for SKILL is the original's wording (skills, knowledge, competencies)
        target: params.layers.length === 1 && label === 'SKILL' ? 'all' : label,
        choose: demoChooser(pool, train, params, label, ctx.baseDir, ctx.seed, ranker),
      }));
      for await (const prediction of mapConcurrent(sentences, concurrency, (sentence) =>
        predictSentence(client, decoding, params, layers, sentence),
      )) {
        yield prediction;
        const { requests, cache_hits, cost_usd } = usage.totals;
        ctx.status(
          `${requests} requests, ${cache_hits} cached${cost_usd ? `, $${cost_usd.toFixed(3)}` : ''}`,
        );
      }
    } finally {
      for (const [name, value] of Object.entries(usage.metrics())) ctx.tracker.logMetric(name, value);
      ctx.recordEnvironment(
        Object.fromEntries(
          Object.entries(client.engine.describe()).map(([name, value]) => [`llm_${name}`, value]),
        ),
      );
      await embedder?.close();
      await client.close();
    }
  },
};

interface SavedPool {
  pool: string[];
  sentences: Sentence[];
}

/** The model of this method: the demonstration pool, and every train sentence a demo file may name. */
interface DemoSentences {
  pool: Sentence[];
  train: Sentence[];
}

function fromSaved(saved: SavedPool): DemoSentences {
  const byId = new Map(saved.sentences.map((sentence) => [sentence.id, sentence]));
  return { pool: saved.pool.map((id) => byId.get(id)!), train: saved.sentences };
}
