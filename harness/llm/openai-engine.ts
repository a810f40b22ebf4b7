/**
 * The `openai` engine: any OpenAI-compatible chat-completions server (OpenAI, vLLM, llama.cpp's
 * server, LLaMA-Factory's API) through the official SDK. The SDK's own retries are off: the
 * client retries with the project's one retry helper, so every engine behaves the same.
 */
import OpenAI from 'openai';
import { isTransientStatus, parseRetryAfter } from '../util/retry.ts';
import { type LlmConfig, resolveBaseUrl } from './config.ts';
import { type ChatRequest, type EngineAnswer, type LlmEngine, LlmError } from './types.ts';

export class OpenAiEngine implements LlmEngine {
  readonly kind = 'openai';
  private readonly client: OpenAI;
  private readonly baseUrl: string;
  private readonly apiKey: string;

  constructor(private readonly config: LlmConfig) {
    this.baseUrl = resolveBaseUrl(config);
    // self-hosted servers often need no key; the SDK insists on one
    this.apiKey = process.env[config.api_key_env] || 'no-key';
    this.client = new OpenAI({
      apiKey: this.apiKey,
      baseURL: this.baseUrl,
      maxRetries: 0,
      timeout: config.timeout_s * 1000,
    });
  }

  async identity(): Promise<Record<string, string>> {
    return { engine: this.kind, base_url: this.baseUrl, model: this.config.model! };
  }

  describe(): Record<string, string | number | boolean> {
    return { engine: this.kind, base_url: this.baseUrl, model: this.config.model! };
  }

  async complete(request: ChatRequest, signal: AbortSignal): Promise<EngineAnswer> {
    const { decoding, constraint } = request;
    if (constraint?.kind === 'gbnf')
      throw new LlmError({
        kind: 'request',
        message: 'the openai engine cannot follow a GBNF grammar (use llama-cpp)',
      });
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.config.model!,
          messages: request.messages,
          temperature: decoding.temperature,
          top_p: decoding.top_p,
          max_tokens: decoding.max_tokens,
          seed: decoding.seed,
          stop: decoding.stop,
          response_format:
            constraint?.kind === 'json-schema'
              ? {
                  type: 'json_schema',
                  json_schema: {
                    name: 'answer',
                    strict: true,
                    schema: constraint.schema as Record<string, unknown>,
                  },
                }
              : undefined,
        },
        { signal },
      );
      const choice = completion.choices?.[0];
      if (!choice) throw new LlmError({ kind: 'transient', message: 'the server answered without choices' });
      return {
        // no content (a refusal, a filtered answer) is an empty answer: the method's format check decides
        text: choice.message?.content ?? '',
        model: completion.model || this.config.model!,
        usage: {
          promptTokens: completion.usage?.prompt_tokens ?? 0,
          completionTokens: completion.usage?.completion_tokens ?? 0,
        },
        finishReason: choice.finish_reason ?? 'unknown',
      };
    } catch (error) {
      throw this.toLlmError(error, signal);
    }
  }

  async embed(
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<{ vectors: number[][]; promptTokens: number }> {
    try {
      const response = await this.client.embeddings.create(
        // floats: base64 (the SDK's default) is not served by every compatible server
        { model: this.config.model!, input: [...texts], encoding_format: 'float' },
        { signal },
      );
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (vectors.length !== texts.length)
        throw new LlmError({
          kind: 'transient',
          message: `asked ${texts.length} embeddings, got ${vectors.length}`,
        });
      return { vectors, promptTokens: response.usage?.prompt_tokens ?? 0 };
    } catch (error) {
      throw this.toLlmError(error, signal);
    }
  }

  async close(): Promise<void> {}

  /** One error type for the client; messages never carry the key (servers echo parts of it). */
  private toLlmError(error: unknown, signal: AbortSignal): LlmError {
    if (error instanceof LlmError) return error;
    if (signal.aborted) return new LlmError({ kind: 'aborted', message: 'aborted', cause: signal.reason });
    const where = `${this.baseUrl} (model ${this.config.model})`;
    if (error instanceof OpenAI.APIConnectionTimeoutError)
      return new LlmError({
        kind: 'transient',
        message: `no answer from ${where} within ${this.config.timeout_s} s`,
      });
    if (error instanceof OpenAI.APIConnectionError)
      return new LlmError({
        kind: 'transient',
        message: `cannot reach ${where}: ${redact(error.message, this.apiKey)}`,
      });
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const status = error.status;
      const detail = redact(error.message, this.apiKey);
      if (status === 401)
        return new LlmError({
          kind: 'fatal',
          status,
          message: `${where} refused the API key from ${this.config.api_key_env} (401)`,
        });
      if (status === 403)
        return new LlmError({
          kind: 'fatal',
          status,
          message: `${where}: permission denied (403): ${detail}`,
        });
      if (status === 404)
        return new LlmError({
          kind: 'fatal',
          status,
          message: `${where}: unknown model or URL (404): ${detail}`,
        });
      return new LlmError({
        kind: isTransientStatus(status) ? 'transient' : 'request',
        status,
        message: `${where}: ${detail}`,
        retryAfterSeconds: retryAfterOf(error.headers),
      });
    }
    return new LlmError({
      kind: 'transient',
      message: `${where}: ${redact(String((error as Error)?.message ?? error), this.apiKey)}`,
    });
  }
}

function retryAfterOf(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms / 1000;
  return parseRetryAfter(headers?.get('retry-after'));
}

/** Removes the key, and anything shaped like an OpenAI key, from text that may be shown or stored. */
export function redact(text: string, apiKey: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[key]');
  return out.replace(/\bsk-[A-Za-z0-9_*-]{4,}/g, '[key]');
}
