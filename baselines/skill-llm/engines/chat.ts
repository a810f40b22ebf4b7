import type { Sentence } from '../../../harness/data/types.ts';
import type { LlmClient } from '../../../harness/llm/client.ts';
import { decodingOf as kitDecoding } from '../../../harness/llm/engines.ts';
import type { ChatRequest } from '../../../harness/llm/types.ts';
import type { PredictContext } from '../../../harness/methods/method.ts';
import { mapConcurrent } from '../../../harness/util/semaphore.ts';
import { answerSchema, longestSpansAnswerBytes } from '../answer-schema.ts';
import { sentenceInput } from '../format.ts';
import { decodingOf, kitConfig, type SkillLlmParams } from '../params.ts';

/** The user message LLaMA-Factory builds from an alpaca record: instruction, a newline, input. */
export function userMessage(instruction: string, input: string): string {
  return `${instruction}\n${input}`;
}

/**
 * The chat request for a sentence: the user message LLaMA-Factory's alpaca format makes of the
 * first instruction and the marked sentence, the generation params, and for spans or json
 * decoding the sentence's answer schema. With spans decoding on llama-cpp the token budget is
 * raised, where needed, to the longest answer the grammar allows, so no answer is cut.
 */
export function answerRequest(sentence: Sentence, params: SkillLlmParams, seed: number): ChatRequest {
  const config = kitConfig(params);
  const decoding = decodingOf(params);
  const schemaOptions = { marker: params.marker, spanWidth: params.span_width, maxItems: params.max_items };
  const schema = answerSchema(sentence.tokens, decoding, schemaOptions);
  const budget =
    decoding === 'spans' && config.engine === 'llama-cpp'
      ? Math.max(params.max_new_tokens, longestSpansAnswerBytes(sentence.tokens, schemaOptions))
      : params.max_new_tokens;
  return {
    messages: [
      { role: 'user', content: userMessage(params.instructions[0], sentenceInput(sentence.tokens, params)) },
    ],
    decoding: { ...kitDecoding(config, seed), max_tokens: budget },
    ...(schema ? { constraint: { kind: 'json-schema', schema } } : {}),
  };
}

/**
 * A split's answers through the run's LLM kit client (openai: a server with the fine-tuned
 * model; llama-cpp: a GGUF and LoRA in-process), cached, retried and counted by the kit.
 */
export async function* chatAnswers(
  ctx: PredictContext<SkillLlmParams>,
  sentences: readonly Sentence[],
  client: LlmClient,
): AsyncIterable<{ sentence: Sentence; raw: string; truncated: boolean }> {
  const config = kitConfig(ctx.params);
  ctx.recordEnvironment({ ...client.engine.describe(), decoding: decodingOf(ctx.params) });
  // a sentence that occurs twice in a split (SkillSpan has many) is asked once, even when both
  // are in flight at the same time
  const asked = new Map<string, Promise<{ raw: string; truncated: boolean }>>();
  const ask = (sentence: Sentence) => {
    const request = answerRequest(sentence, ctx.params, ctx.seed);
    const key = JSON.stringify(request);
    let answer = asked.get(key);
    if (!answer) {
      answer = client
        .chat(request)
        .then((reply) => ({ raw: reply.text, truncated: reply.finishReason === 'length' }));
      asked.set(key, answer);
    }
    return answer;
  };
  try {
    const limit = config.engine === 'llama-cpp' ? 1 : config.concurrency;
    yield* mapConcurrent(sentences, limit, async (sentence) => ({ sentence, ...(await ask(sentence)) }));
  } finally {
    // totals so far (dev, then dev and test): the last logged value is the run's
    for (const [name, value] of Object.entries(client.usage.metrics())) ctx.tracker.logMetric(name, value);
    ctx.recordEnvironment(client.engine.describe());
  }
}
