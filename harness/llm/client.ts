/**
 * LlmClient: what methods call. Wraps one engine with the permanent response cache, a
 * concurrency limit, retries (the project's retry helper: backoff with jitter, Retry-After), a
 * per-run request budget and usage accounting. Each answer is cached the moment it arrives, so a
 * killed run asks again only what it never got. Errors are never cached. (`--no-cache` is the
 * runner's: it hands methods a cache that never hits.)
 */
import type { ResponseCache } from '../methods/method.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, withRetry } from '../util/retry.ts';
import { Semaphore } from '../util/semaphore.ts';
import { cacheKey } from './cache-key.ts';
import { costUsd, type PriceTable, priceOf } from './prices.ts';
import { type ChatAnswer, type ChatRequest, type EngineAnswer, type LlmEngine, LlmError } from './types.ts';
import { UsageLedger } from './usage.ts';

export interface LlmClientOptions {
  engine: LlmEngine;
  /** the store's response cache (ctx.cache); omitted: nothing is cached */
  cache?: ResponseCache;
  concurrency: number;
  /** most requests this client may send (every try counts) */
  requestBudget?: number;
  backoff?: Partial<BackoffPolicy>;
  prices?: PriceTable;
  usage?: UsageLedger;
  /** stops waits and requests (Ctrl-C) */
  signal?: AbortSignal;
  /** one line per retry, for the run's log (never carries the key or the prompt) */
  log?(message: string): void;
}

export class LlmClient {
  readonly engine: LlmEngine;
  readonly usage: UsageLedger;
  private readonly options: LlmClientOptions;
  private readonly semaphore: Semaphore;
  private readonly backoff: BackoffPolicy;
  private identity?: Promise<Record<string, string>>;
  private readonly inFlight = new Map<string, Promise<ChatAnswer>>();

  constructor(options: LlmClientOptions) {
    this.options = options;
    this.engine = options.engine;
    this.usage = options.usage ?? new UsageLedger();
    this.semaphore = new Semaphore(options.concurrency);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  /** One chat answer: from the cache, or from the engine (retried as needed) and then cached. */
  async chat(request: ChatRequest): Promise<ChatAnswer> {
    this.identity ??= this.engine.identity();
    const key = cacheKey(await this.identity, request);
    const { cache } = this.options;
    if (cache) {
      const hit = cache.get(key);
      if (hit !== undefined) {
        this.usage.add({ cache_hits: 1 });
        return { ...(JSON.parse(hit) as EngineAnswer), cached: true, latencyMs: 0, attempts: 0 };
      }
    }
    // the same request already on its way (a sentence repeated in a split) is asked once
    const pending = this.inFlight.get(key);
    if (pending) {
      const answer = await pending;
      this.usage.add({ cache_hits: 1 });
      return { ...answer, cached: true, latencyMs: 0, attempts: 0 };
    }
    const asked = this.semaphore.run(() => this.ask(request));
    this.inFlight.set(key, asked);
    try {
      const answer = await asked;
      cache?.set(
        key,
        JSON.stringify({
          text: answer.text,
          model: answer.model,
          usage: answer.usage,
          finishReason: answer.finishReason,
        } satisfies EngineAnswer),
      );
      return answer;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async ask(request: ChatRequest): Promise<ChatAnswer> {
    const started = performance.now();
    const { value: answer, attempts } = await this.send((signal) => this.engine.complete(request, signal));
    const latencyMs = performance.now() - started;
    const price = priceOf(answer.model, this.options.prices);
    this.usage.add({
      prompt_tokens: answer.usage.promptTokens,
      completion_tokens: answer.usage.completionTokens,
      cost_usd: price ? costUsd(price, answer.usage.promptTokens, answer.usage.completionTokens) : 0,
      latency_ms_total: latencyMs,
      latency_ms_max: latencyMs,
      answered: 1,
    });
    return { ...answer, cached: false, latencyMs, attempts };
  }

  /**
   * Embedding vectors of texts (engines that have them: openai's /embeddings), each cached like a
   * chat answer; the uncached ones are sent in batches of `batchSize`.
   */
  async embed(texts: readonly string[], batchSize = 64): Promise<number[][]> {
    const { engine } = this;
    if (!engine.embed)
      throw new LlmError({ kind: 'fatal', message: `the ${engine.kind} engine has no embeddings` });
    this.identity ??= engine.identity();
    const identity = await this.identity;
    const keys = texts.map((text) => cacheKey(identity, { embedding: text }));
    const vectors: (number[] | undefined)[] = keys.map((key) => {
      const hit = this.options.cache?.get(key);
      if (hit !== undefined) this.usage.add({ cache_hits: 1 });
      return hit === undefined ? undefined : (JSON.parse(hit) as number[]);
    });
    const missing = [...new Set(texts.filter((_, i) => vectors[i] === undefined))];
    for (let from = 0; from < missing.length; from += batchSize) {
      const batch = missing.slice(from, from + batchSize);
      const { value } = await this.semaphore.run(() => this.send((signal) => engine.embed!(batch, signal)));
      this.usage.add({ prompt_tokens: value.promptTokens, answered: 1 });
      for (const [i, text] of batch.entries())
        this.options.cache?.set(cacheKey(identity, { embedding: text }), JSON.stringify(value.vectors[i]));
      const byText = new Map(batch.map((text, i) => [text, value.vectors[i]]));
      texts.forEach((text, i) => {
        vectors[i] ??= byText.get(text);
      });
    }
    return vectors as number[][];
  }

  /** One request through the budget and the retry helper; failures come out as LlmError. */
  private async send<T>(call: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; attempts: number }> {
    const signal = this.options.signal ?? new AbortController().signal;
    let attempts = 0;
    try {
      const value = await withRetry(
        async (attempt) => {
          attempts = attempt;
          signal.throwIfAborted();
          this.spend();
          try {
            return await call(signal);
          } catch (error) {
            this.usage.add({ failed_requests: 1 });
            throw error;
          }
        },
        {
          policy: this.backoff,
          classify: (error) =>
            error instanceof LlmError
              ? { transient: error.kind === 'transient', retryAfterSeconds: error.retryAfterSeconds }
              : { transient: false },
          signal,
          onRetry: ({ attempt, delayMs, error }) =>
            this.options.log?.(
              `LLM request failed (try ${attempt}), again in ${delayMs} ms: ${(error as Error).message}`,
            ),
        },
      );
      return { value, attempts };
    } catch (error) {
      if (error instanceof LlmError) {
        error.attempts = attempts;
        throw error;
      }
      if (signal.aborted) throw new LlmError({ kind: 'aborted', message: 'aborted', cause: error });
      throw error;
    }
  }

  /** Counts one request against the budget, or refuses it. */
  private spend(): void {
    const budget = this.options.requestBudget;
    // the ledger persists across a killed and resumed run, so the budget is the run's, not the process's
    if (budget !== undefined && this.usage.totals.requests >= budget) {
      throw new LlmError({
        kind: 'budget',
        message: `the run's request budget (llm.request_budget: ${budget}) is spent; answers so far are cached, raise it and rerun`,
      });
    }
    this.usage.add({ requests: 1 });
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
