import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Prediction, Sentence } from '../../harness/data/types.ts';
import type { LlmClient } from '../../harness/llm/client.ts';
import { createRunClient } from '../../harness/llm/engines.ts';
import { fileSha256 } from '../../harness/llm/file-hash.ts';
import type { Method, MethodContext, PredictContext } from '../../harness/methods/method.ts';
import { sha256 } from '../../harness/util/hash.ts';
import { engineUnavailable } from './engines/available.ts';
import { chatAnswers } from './engines/chat.ts';
import { importedAnswers } from './engines/import.ts';
import { llamaFactoryAnswers, trainWithLlamaFactory } from './engines/llamafactory.ts';
import { decodingOf, kitConfig, type SkillLlmParams, skillLlmParams } from './params.ts';
import { readAnswer } from './read-answer.ts';
import { PAPER_BASE_MODEL } from './recipe.ts';

type Answers = AsyncIterable<{ sentence: Sentence; raw: string; truncated?: boolean }>;

/** What predict() gets: for the openai and llama-cpp engines, the run's LLM client (one model load for dev and test). */
interface SkillLlmModel {
  client?: LlmClient;
}

function answers(
  ctx: PredictContext<SkillLlmParams>,
  sentences: readonly Sentence[],
  model: SkillLlmModel,
): Answers {
  if (model.client) return chatAnswers(ctx, sentences, model.client);
  return ctx.params.engine === 'import'
    ? importedAnswers(ctx, sentences)
    : llamaFactoryAnswers(ctx, sentences);
}

function load(ctx: MethodContext<SkillLlmParams>): SkillLlmModel {
  const { engine } = ctx.params;
  return engine === 'openai' || engine === 'llama-cpp'
    ? { client: createRunClient(kitConfig(ctx.params), ctx) }
    : {};
}

/** Files the params point at whose content the run key must cover. */
function fileHashes(params: SkillLlmParams, baseDir: string): Record<string, string> {
  const files: Record<string, string | undefined> = {
    ...(params.engine === 'import' ? { dev: params.predictions?.dev, test: params.predictions?.test } : {}),
    ...(params.engine === 'llama-cpp' ? { model: params.model, lora: params.lora } : {}),
  };
  const hashes: Record<string, string> = {};
  for (const [name, file] of Object.entries(files)) {
    const path = file && resolve(baseDir, file);
    if (path && existsSync(path)) hashes[name] = fileSha256(path);
  }
  return hashes;
}

/** What the run records about its setup (base model, adapter and hash, template, decoding). */
function runFacts(params: SkillLlmParams, baseDir: string): Record<string, unknown> {
  const hashes = fileHashes(params, baseDir);
  return {
    engine: params.engine,
    base_model: params.engine === 'llamafactory' ? (params.model ?? PAPER_BASE_MODEL) : params.model,
    ...(params.lora ? { adapter: params.lora, ...(hashes.lora ? { adapter_sha256: hashes.lora } : {}) } : {}),
    ...(params.engine === 'llamafactory' ? { chat_template: params.llamafactory.template } : {}),
    decoding: params.engine === 'import' ? 'as imported' : decodingOf(params),
    generation: {
      max_new_tokens: params.max_new_tokens,
      temperature: params.temperature,
      top_p: params.top_p,
    },
    marker: params.marker,
    instructions_sha256: sha256(JSON.stringify(params.instructions)),
  };
}

/**
 * Skill-LLM (Herandi et al., AAAI 2025): an instruction-tuned LLM fine-tuned with LoRA to answer
 * each sentence with JSON spans and contexts (baselines/skill-llm/README.md). The engines produce
 * raw answers; parsing and alignment turn them into spans and count what went wrong.
 */
export const skillLlmMethod: Method<SkillLlmParams, SkillLlmModel> = {
  name: 'skill-llm',
  version: '1',
  params: skillLlmParams,
  unavailable: engineUnavailable,
  fingerprint: fileHashes,
  predictsSplits: (params) =>
    params.engine === 'import' && !params.predictions?.dev ? ['test'] : ['dev', 'test'],
  describe: (params) => ({
    parameters: params.engine === 'llamafactory' && !params.model ? '8B' : undefined,
    setup:
      params.engine === 'import'
        ? 'LoRA fine-tuned LLM, predictions imported'
        : `LoRA fine-tuned LLM (${params.engine}, ${decodingOf(params)} decoding)`,
    backend: params.engine,
  }),
  async train(ctx) {
    if (ctx.params.engine === 'llamafactory') await trainWithLlamaFactory(ctx);
    return load(ctx);
  },
  load,
  dispose: (model) => model.client?.close(),
  async *predict(ctx, sentences, model) {
    ctx.recordEnvironment(runFacts(ctx.params, ctx.baseDir));
    const options = { align: ctx.params.align, dropDuplicates: ctx.params.drop_duplicates };
    for await (const { sentence, raw, truncated } of answers(ctx, sentences, model)) {
      const prediction: Prediction = readAnswer(sentence, raw, options);
      if (truncated) prediction.issues = [...(prediction.issues ?? []), { kind: 'truncated' }];
      yield prediction;
    }
  },
};
