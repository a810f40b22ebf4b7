/** Builds the engine a config names, and a client around it for one run. */
import { join } from 'node:path';
import type { MethodContext } from '../methods/method.ts';
import { LlmClient } from './client.ts';
import type { LlmConfig } from './config.ts';
import { LlamaCppEngine } from './llama-cpp-engine.ts';
import { OpenAiEngine } from './openai-engine.ts';
import type { DecodingParams, LlmEngine } from './types.ts';
import { UsageLedger } from './usage.ts';

export function createEngine(config: LlmConfig, baseDir: string): LlmEngine {
  return config.engine === 'openai' ? new OpenAiEngine(config) : new LlamaCppEngine(config, baseDir);
}

/** The usage file in a run's artifact folder (kept across a killed and resumed run). */
export const USAGE_FILE = 'llm-usage.json';

/**
 * A client for one run: the run's cache, signal and log, usage kept in the artifact folder,
 * the config's limits. Close it when predicting ends (frees a local model).
 */
export function createRunClient(
  config: LlmConfig,
  ctx: MethodContext<unknown>,
  /** share one ledger between a run's clients (chat and embeddings): they write the same file */
  usage = new UsageLedger(join(ctx.artifactDir, USAGE_FILE)),
): LlmClient {
  return new LlmClient({
    engine: createEngine(config, ctx.baseDir),
    cache: ctx.cache,
    concurrency: config.engine === 'llama-cpp' ? 1 : config.concurrency,
    requestBudget: config.request_budget,
    backoff: { maxAttempts: config.max_attempts, maxDelayMs: config.max_backoff_s * 1000 },
    prices: config.prices,
    usage,
    signal: ctx.signal,
    log: (message) => ctx.log(message),
  });
}

/**
 * The decoding params of a config, as sent with every request (undefined ones are left out). A
 * local model samples with the run's seed unless the config names one; a server gets a seed only
 * when the config names one (the original runs sent none).
 */
export function decodingOf(config: LlmConfig, runSeed: number): DecodingParams {
  return {
    temperature: config.temperature,
    top_p: config.top_p,
    max_tokens: config.max_tokens,
    seed: config.seed ?? (config.engine === 'llama-cpp' ? runSeed : undefined),
  };
}
