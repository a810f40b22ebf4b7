/**
 * One test sentence, one layer: the messages (instruction, demonstrations, the sentence), the
 * answer, and the format-check loop that re-asks with feedback (docs/llm-prompting.md §6.3).
 */
import type { Label, Sentence, Span } from '../../harness/data/types.ts';
import type { LlmClient } from '../../harness/llm/client.ts';
import type { ChatMessage, DecodingParams } from '../../harness/llm/types.ts';
import { bioToSpans } from '../../harness/spans/bio.ts';
import {
  checkExtractAnswer,
  extractAnswerToBioLegacy,
  extractAnswerToSpans,
  extractGoldAnswer,
} from './extract-style.ts';
import { nerAnswerToBio, nerGoldAnswer, repairNerAnswer } from './ner-style.ts';
import type { LlmPromptParams } from './params.ts';
import { extractFeedback, instruction, nerFeedback, type PromptTarget, SENTENCE_PREFIX } from './prompts.ts';

/** A checked answer: valid, or the feedback to send. */
interface Verdict {
  valid: boolean;
  feedback?: string;
  /** NER: the repaired answer that is parsed */
  repaired?: string;
}

export interface LayerResult {
  label: Label;
  spans: Span[];
  /** every answer, first to last */
  answers: string[];
  feedbacks: string[];
  /** no answer passed the check (re-asks used up): the layer predicts nothing */
  failed: boolean;
  /** NER: the repair changed the accepted answer */
  repaired: boolean;
  /** answer lines that are no token sequence of the sentence */
  unplaced: string[];
  /** some answer was cut by max_tokens */
  truncated: boolean;
  cachedAnswers: number;
}

export function goldAnswer(style: LlmPromptParams['style'], sentence: Sentence, label: Label): string {
  const spans = sentence.spans.filter((span) => span.label === label);
  return style === 'extract'
    ? extractGoldAnswer(sentence.tokens, spans)
    : nerGoldAnswer(sentence.tokens, spans);
}

export function layerMessages(
  params: LlmPromptParams,
  target: PromptTarget,
  label: Label,
  demos: readonly Sentence[],
  test: Sentence,
): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: instruction(params.style, target) }];
  for (const demo of demos) {
    messages.push({ role: 'user', content: SENTENCE_PREFIX + demo.tokens.join(' ') });
    messages.push({ role: 'assistant', content: goldAnswer(params.style, demo, label) });
  }
  messages.push({ role: 'user', content: SENTENCE_PREFIX + test.tokens.join(' ') });
  return messages;
}

function check(style: LlmPromptParams['style'], sentence: string, answer: string): Verdict {
  if (style === 'extract') {
    const result = checkExtractAnswer(sentence, answer);
    return result.valid
      ? { valid: true }
      : { valid: false, feedback: extractFeedback(result.correct, result.missing) };
  }
  const result = repairNerAnswer(sentence, answer);
  return result.mismatch
    ? { valid: false, feedback: nerFeedback(result.validSpans), repaired: result.repaired }
    : { valid: true, repaired: result.repaired };
}

/** Asks, checks, re-asks with feedback; maps the accepted answer to spans of `label`. */
export async function askLayer(
  client: LlmClient,
  decoding: DecodingParams,
  params: LlmPromptParams,
  messages: ChatMessage[],
  test: Sentence,
  label: Label,
): Promise<LayerResult> {
  const sentence = test.tokens.join(' ');
  const result: LayerResult = {
    label,
    spans: [],
    answers: [],
    feedbacks: [],
    failed: false,
    repaired: false,
    unplaced: [],
    truncated: false,
    cachedAnswers: 0,
  };
  const conversation = [...messages];
  const ask = async () => {
    const answer = await client.chat({ messages: conversation, decoding });
    result.answers.push(answer.text);
    if (answer.finishReason === 'length') result.truncated = true;
    if (answer.cached) result.cachedAnswers++;
    return answer.text;
  };
  let answer = await ask();
  let verdict = check(params.style, sentence, answer);
  let reasks = 0;
  while (!verdict.valid && reasks < params.max_reasks) {
    conversation.push({ role: 'assistant', content: answer }, { role: 'user', content: verdict.feedback! });
    result.feedbacks.push(verdict.feedback!);
    answer = await ask();
    verdict = check(params.style, sentence, answer);
    reasks++;
  }
  // the original's quirk: the last re-ask's answer is thrown away even when it passes
  const lastDiscarded = params.discard_last_reask && params.max_reasks > 0 && reasks === params.max_reasks;
  if (!verdict.valid || lastDiscarded) {
    result.failed = true;
    return result;
  }
  if (params.style === 'ner') {
    result.repaired = verdict.repaired !== answer;
    result.spans = bioToSpans(nerAnswerToBio(verdict.repaired!), label);
  } else if (params.mapping === 'legacy') {
    const { tags, unplaced } = extractAnswerToBioLegacy(test.tokens, answer);
    result.spans = bioToSpans(tags, label);
    result.unplaced = unplaced;
  } else {
    const { spans, unplaced } = extractAnswerToSpans(test.tokens, answer);
    result.spans = spans.map((span) => ({ label, ...span }));
    result.unplaced = unplaced;
  }
  return result;
}
