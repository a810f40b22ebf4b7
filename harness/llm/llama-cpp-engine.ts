/**
 * The `llama-cpp` engine: a local GGUF model in-process through node-llama-cpp (prebuilt binary,
 * never built here; CPU unless `gpu` asks for more), the chat template the GGUF carries (or
 * node-llama-cpp's fallback), an optional LoRA adapter, and grammar / JSON-schema constrained
 * decoding. One context sequence answers one request at a time.
 */
import { basename } from 'node:path';
import type {
  ChatHistoryItem,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
} from 'node-llama-cpp';
import { Semaphore } from '../util/semaphore.ts';
import { type LlmConfig, resolvePath } from './config.ts';
import { fileSha256 } from './file-hash.ts';
import {
  type ChatMessage,
  type ChatRequest,
  type EngineAnswer,
  type LlmEngine,
  LlmError,
  type OutputConstraint,
} from './types.ts';

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

/** Grammars kept compiled: the prompting rows reuse one, Skill-LLM's `spans` builds one per sentence. */
const GRAMMAR_CACHE_SIZE = 32;

export class LlamaCppEngine implements LlmEngine {
  readonly kind = 'llama-cpp';
  private readonly modelPath: string;
  private readonly loraPath?: string;
  private readonly modelName: string;
  private loaded?: Promise<Loaded>;
  private readonly one = new Semaphore(1);
  /** compiled grammars by constraint, least recently used first, at most GRAMMAR_CACHE_SIZE */
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private facts: Record<string, string | number | boolean> = {};

  constructor(
    private readonly config: LlmConfig,
    baseDir: string,
  ) {
    this.modelPath = resolvePath(config.model_path!, baseDir);
    this.loraPath = config.lora_path ? resolvePath(config.lora_path, baseDir) : undefined;
    this.modelName = config.model ?? basename(this.modelPath);
  }

  async identity(): Promise<Record<string, string>> {
    return {
      engine: this.kind,
      model: this.modelName,
      model_sha256: fileSha256(this.modelPath),
      ...(this.loraPath ? { lora_sha256: fileSha256(this.loraPath) } : {}),
    };
  }

  describe(): Record<string, string | number | boolean> {
    return { engine: this.kind, model: this.modelName, model_path: this.modelPath, ...this.facts };
  }

  async complete(request: ChatRequest, signal: AbortSignal): Promise<EngineAnswer> {
    return this.one.run(async () => {
      const { sequence, chat, llama } = await this.load();
      const grammar = request.constraint ? await this.grammar(llama, request.constraint) : undefined;
      const before = sequence.tokenMeter.getState();
      const { decoding } = request;
      try {
        const response = await chat.generateResponse(toHistory(request.messages), {
          temperature: decoding.temperature,
          topP: decoding.top_p,
          maxTokens: decoding.max_tokens,
          seed: decoding.seed,
          customStopTriggers: decoding.stop,
          grammar,
          signal,
        });
        const after = sequence.tokenMeter.getState();
        const stop = response.metadata.stopReason;
        return {
          text: response.response,
          model: this.modelName,
          usage: {
            promptTokens: after.usedInputTokens - before.usedInputTokens,
            completionTokens: after.usedOutputTokens - before.usedOutputTokens,
          },
          finishReason: stop === 'maxTokens' ? 'length' : stop === 'abort' ? 'abort' : 'stop',
        };
      } catch (error) {
        if (signal.aborted) throw new LlmError({ kind: 'aborted', message: 'aborted', cause: error });
        throw new LlmError({
          kind: 'request',
          message: `llama-cpp: ${(error as Error)?.message ?? error}`,
          cause: error,
        });
      }
    });
  }

  async close(): Promise<void> {
    if (!this.loaded) return;
    const loaded = await this.loaded.catch(() => undefined);
    this.loaded = undefined;
    if (!loaded) return;
    loaded.chat.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
    await loaded.llama.dispose();
  }

  private load(): Promise<Loaded> {
    this.loaded ??= (async () => {
      try {
        // loaded on first use: the module is large and only this engine needs it
        const { getLlama, LlamaChat, LlamaLogLevel } = await import('node-llama-cpp');
        const llama = await getLlama({
          gpu: this.config.gpu,
          build: 'never',
          logLevel: LlamaLogLevel.error,
          ...(this.config.threads ? { maxThreads: this.config.threads } : {}),
        });
        const model = await llama.loadModel({ modelPath: this.modelPath });
        const context = await model.createContext({
          contextSize: Math.min(this.config.context_size, model.trainContextSize),
          ...(this.config.threads ? { threads: this.config.threads } : {}),
          ...(this.loraPath ? { lora: { adapters: [{ filePath: this.loraPath }] } } : {}),
        });
        const sequence = context.getSequence();
        const chat = new LlamaChat({ contextSequence: sequence });
        this.facts = {
          backend: llama.gpu === false ? 'cpu' : llama.gpu,
          threads: context.currentThreads,
          context_size: context.contextSize,
          chat_wrapper: chat.chatWrapper.wrapperName,
          ...(this.loraPath ? { lora_path: this.loraPath } : {}),
        };
        return { llama, model, context, sequence, chat };
      } catch (error) {
        throw new LlmError({
          kind: 'fatal',
          message: `llama-cpp cannot load ${this.modelPath}: ${(error as Error)?.message ?? error}`,
          cause: error,
        });
      }
    })();
    return this.loaded;
  }

  private grammar(llama: Llama, constraint: OutputConstraint): Promise<LlamaGrammar> {
    const key = JSON.stringify(constraint);
    let grammar = this.grammars.get(key);
    if (grammar) {
      // most recently used last, so the oldest is the one dropped below
      this.grammars.delete(key);
      this.grammars.set(key, grammar);
    } else {
      grammar = (
        constraint.kind === 'json-schema'
          ? // the schema is the caller's; node-llama-cpp checks it supports it
            llama.createGrammarForJsonSchema(
              constraint.schema as Parameters<Llama['createGrammarForJsonSchema']>[0],
            )
          : llama.createGrammar({ grammar: constraint.grammar })
      ).catch((error: unknown) => {
        this.grammars.delete(key);
        throw new LlmError({
          kind: 'request',
          message: `llama-cpp refused the grammar: ${(error as Error)?.message ?? error}`,
        });
      });
      this.grammars.set(key, grammar);
      // one grammar per sentence (span-constrained decoding) would otherwise pile up for a whole split
      if (this.grammars.size > GRAMMAR_CACHE_SIZE) this.grammars.delete(this.grammars.keys().next().value!);
    }
    return grammar;
  }
}

/** OpenAI-style messages as node-llama-cpp's chat history (the template comes from the GGUF). */
function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  return messages.map((message): ChatHistoryItem => {
    if (message.role === 'system') return { type: 'system', text: message.content };
    if (message.role === 'user') return { type: 'user', text: message.content };
    return { type: 'model', response: [message.content] };
  });
}
