/** One test sentence through every layer, as a Prediction with its raw answers and issues. */
import type { Prediction, PredictionIssue, Sentence } from '../../harness/data/types.ts';
import type { LlmClient } from '../../harness/llm/client.ts';
import type { DecodingParams } from '../../harness/llm/types.ts';
import { askLayer, type LayerResult, layerMessages } from './conversation.ts';
import type { DemoChooser } from './demos.ts';
import type { LlmPromptParams } from './params.ts';
import type { PromptTarget } from './prompts.ts';

export interface Layer {
  label: LlmPromptParams['layers'][number];
  target: PromptTarget;
  choose: DemoChooser;
}

export async function predictSentence(
  client: LlmClient,
  decoding: DecodingParams,
  params: LlmPromptParams,
  layers: readonly Layer[],
  sentence: Sentence,
): Promise<Prediction> {
  const results: LayerResult[] = [];
  for (const layer of layers) {
    const messages = layerMessages(params, layer.target, layer.label, await layer.choose(sentence), sentence);
    results.push(await askLayer(client, decoding, params, messages, sentence, layer.label));
  }
  return {
    id: sentence.id,
    spans: results.flatMap((result) => result.spans),
    raw: rawText(results),
    issues: results.flatMap((result) => issuesOf(params, result)),
  };
}

/** Every answer and feedback, in order; a single answer stays as the model wrote it. */
function rawText(results: readonly LayerResult[]): string {
  if (results.length === 1 && results[0].answers.length === 1) return results[0].answers[0];
  const parts: string[] = [];
  for (const result of results) {
    result.answers.forEach((answer, index) => {
      parts.push(`[${result.label}] ${index === 0 ? 'answer' : `re-ask ${index}`}:\n${answer}`);
      if (result.feedbacks[index] !== undefined)
        parts.push(`[${result.label}] feedback:\n${result.feedbacks[index]}`);
    });
  }
  return parts.join('\n\n');
}

function issuesOf(params: LlmPromptParams, result: LayerResult): PredictionIssue[] {
  const issues: PredictionIssue[] = [];
  const reasks = result.answers.length - 1;
  if (reasks > 0)
    issues.push({
      kind: 'retried',
      detail: `${result.label}: ${reasks} re-ask${reasks === 1 ? '' : 's'} after a failed format check`,
    });
  if (result.failed) {
    const consequence =
      params.style === 'ner'
        ? 'no spans (the original dropped such sentences from scoring)'
        : 'no spans (scored, as in the original)';
    issues.push({
      kind: 'unparsable',
      detail: `${result.label}: no answer passed the ${params.style} format check: ${consequence}`,
    });
  }
  if (result.repaired)
    issues.push({ kind: 'repaired', detail: `${result.label}: spacing around punctuation repaired` });
  for (const line of result.unplaced)
    issues.push({
      kind: 'unaligned-span',
      detail: `${result.label}: "${line}" is not a token sequence of the sentence`,
    });
  if (result.truncated)
    issues.push({ kind: 'truncated', detail: `${result.label}: an answer was cut by max_tokens` });
  return issues;
}
