/**
 * The LLM kit's vocabulary (harness/llm/README.md): chat messages, decoding parameters, what an
 * engine answers, and the one error type every engine throws.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Sent to the model as given; anything undefined is left to the server's default. */
export interface DecodingParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  stop?: string[];
}

/**
 * Constrained generation: the answer must match this grammar. Only the llama-cpp engine supports
 * it (the openai engine passes a JSON schema as `response_format` when the server supports it).
 */
export type OutputConstraint = { kind: 'json-schema'; schema: object } | { kind: 'gbnf'; grammar: string };

export interface ChatRequest {
  messages: ChatMessage[];
  decoding: DecodingParams;
  constraint?: OutputConstraint;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** What an engine returns for one request (what the cache keeps). */
export interface EngineAnswer {
  text: string;
  /** the model name the server says answered (aliases move: record what really ran) */
  model: string;
  usage: TokenUsage;
  /** `stop`, `length` (cut by max_tokens), ... as the engine reports it */
  finishReason: string;
}

/** An answer as the client hands it out. */
export interface ChatAnswer extends EngineAnswer {
  /** true when it came from the response cache (no request was made) */
  cached: boolean;
  /** wall time of the request that produced it, retries included (0 when cached) */
  latencyMs: number;
  /** tries the request needed (1 = first try; 0 when cached) */
  attempts: number;
}

/** One LLM backend: a server speaking OpenAI's chat API, or an in-process GGUF model. */
export interface LlmEngine {
  /** `openai` or `llama-cpp` */
  readonly kind: string;
  /**
   * What the response cache key needs besides the request: the engine kind, base URL or model file
   * hash, model name, adapter hash. Never the API key.
   */
  identity(): Promise<Record<string, string>>;
  /** facts recorded on the run (never secrets): engine, model, base URL, threads, backend */
  describe(): Record<string, string | number | boolean>;
  /** One request, no retries (the client retries). Throws LlmError. */
  complete(request: ChatRequest, signal: AbortSignal): Promise<EngineAnswer>;
  /** Embedding vectors of texts, in order (engines with an embeddings endpoint). Throws LlmError. */
  embed?(
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<{ vectors: number[][]; promptTokens: number }>;
  /** frees models and connections */
  close(): Promise<void>;
}

export type LlmErrorKind =
  /** retry it: network error, timeout, 429, 5xx */
  | 'transient'
  /** the run cannot go on: bad key (401), no permission (403), unknown model or URL (404) */
  | 'fatal'
  /** this request cannot work (400, 422, a grammar the engine refuses); other requests may */
  | 'request'
  /** the run's request budget is spent */
  | 'budget'
  | 'aborted';

export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmErrorKind;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  attempts = 1;

  constructor(init: {
    kind: LlmErrorKind;
    message: string;
    status?: number;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}
