/**
 * The `llm` block of a method's params (shared by every LLM method): which engine, which model,
 * how to reach it, decoding, limits and prices. Validated with zod like every experiment param.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { fileSha256 } from './file-hash.ts';
import { priceTable } from './prices.ts';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export const llmConfig = z
  .object({
    /** `openai`: any OpenAI-compatible chat-completions server; `llama-cpp`: a local GGUF model in-process */
    engine: z.enum(['openai', 'llama-cpp']).default('openai'),
    /** the model name sent to the server (openai), or a label for the GGUF (llama-cpp; default: the file name) */
    model: z.string().min(1).optional(),
    /** openai: the server (default OPENAI_BASE_URL, else api.openai.com) */
    base_url: z.string().url().optional(),
    /** openai: the environment variable holding the API key (the key itself never goes in a file) */
    api_key_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
      .default('OPENAI_API_KEY'),
    /** llama-cpp: the GGUF file, relative to the experiment file's folder */
    model_path: z.string().min(1).optional(),
    /** llama-cpp: a LoRA adapter in GGUF form */
    lora_path: z.string().min(1).optional(),
    /** llama-cpp: `false` for CPU, `auto` to use CUDA/Vulkan/Metal when a prebuilt binary finds one */
    gpu: z.union([z.literal(false), z.enum(['auto', 'cuda', 'vulkan', 'metal'])]).default(false),
    /** llama-cpp: CPU threads (1 is fastest for tiny models; default: the library's choice) */
    threads: z.number().int().positive().optional(),
    /** llama-cpp: context window in tokens */
    context_size: z.number().int().positive().default(4096),
    /** requests in flight at once (llama-cpp answers one at a time whatever this says) */
    concurrency: z.number().int().positive().max(256).default(8),
    /** per request, seconds */
    timeout_s: z.number().positive().default(60),
    /** tries per request, the first included (429, 5xx, timeouts and network errors are retried) */
    max_attempts: z.number().int().positive().max(20).default(6),
    /** longest wait between tries, seconds (a longer Retry-After is cut to this) */
    max_backoff_s: z.number().positive().default(60),
    /** most requests one run may send (cache hits are free); the run fails when it is spent */
    request_budget: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).default(0),
    top_p: z.number().min(0).max(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    /** sent as the request's seed (llama-cpp: default the run's seed) */
    seed: z.number().int().nonnegative().optional(),
    /** USD per million tokens by model name (exact or a trailing `*` prefix), over the built-in table */
    prices: priceTable.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.engine === 'openai' && !config.model)
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'the openai engine needs a model name' });
    if (config.engine === 'llama-cpp' && !config.model_path)
      ctx.addIssue({
        code: 'custom',
        path: ['model_path'],
        message: 'the llama-cpp engine needs model_path (a GGUF file)',
      });
  });

export type LlmConfig = z.infer<typeof llmConfig>;

export function resolveBaseUrl(config: LlmConfig): string {
  return (config.base_url ?? process.env.OPENAI_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
}

export function resolvePath(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Why this config cannot run here (no key, no model file), with how to enable it; undefined when it can. */
export function llmUnavailable(config: LlmConfig, baseDir: string): string | undefined {
  if (config.engine === 'openai') {
    // OpenAI itself needs a key; a self-hosted server (vLLM, llama.cpp) usually does not
    const needsKey = resolveBaseUrl(config) === DEFAULT_BASE_URL;
    if (needsKey && !process.env[config.api_key_env])
      return `${config.api_key_env} is not set (export it to run against ${DEFAULT_BASE_URL})`;
    return undefined;
  }
  const model = resolvePath(config.model_path!, baseDir);
  if (!existsSync(model)) return `no GGUF model at ${model} (set llm.model_path)`;
  if (config.lora_path && !existsSync(resolvePath(config.lora_path, baseDir)))
    return `no LoRA adapter at ${resolvePath(config.lora_path, baseDir)}`;
  return undefined;
}

/**
 * What the run key must cover beyond the params: the server a default base URL resolves to, or
 * the bytes of the model and adapter files. Never the key.
 */
export function llmFingerprint(config: LlmConfig, baseDir: string): Record<string, string> {
  if (config.engine === 'openai') return { 'llm.base_url': resolveBaseUrl(config) };
  const fingerprint: Record<string, string> = {};
  const model = resolvePath(config.model_path!, baseDir);
  if (existsSync(model)) fingerprint['llm.model_sha256'] = fileSha256(model);
  if (config.lora_path) {
    const lora = resolvePath(config.lora_path, baseDir);
    if (existsSync(lora)) fingerprint['llm.lora_sha256'] = fileSha256(lora);
  }
  return fingerprint;
}
