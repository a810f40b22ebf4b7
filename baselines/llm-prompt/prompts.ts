/**
 * The prompt text of the GPT prompting rows, written for this project. It follows the structure
 * of the original (docs/llm-prompting.md §3-4, §6): the instruction as the system message,
 * demonstrations as `Sentence: ...` user turns with gold-answer assistant turns, and on a failed
 * format check a feedback turn naming what was wrong. No wording is copied from the original.
 */
import type { Label } from '../../harness/data/types.ts';

export type PromptStyle = 'extract' | 'ner';

/**
 * What the model is asked to find: `all` is the original's SkillSpan wording (skills, knowledge
 * and competencies in one pass, scored against SKILL only); a label asks for that kind alone.
 */
export type PromptTarget = 'all' | Label;

const WHAT: Record<PromptTarget, string> = {
  all: 'every skill, knowledge item and competency the candidate is required to have',
  SKILL:
    'every skill or competency the candidate is required to have: what they must be able to do, usually a verb phrase such as "manage a small team" or "communicate clearly"',
  KNOWLEDGE:
    'every knowledge item the candidate is required to have: tools, technologies, programming languages, methods, fields of study and certifications, such as "Python", "agile methods" or "a degree in physics"',
};

export function instruction(style: PromptStyle, target: PromptTarget): string {
  const context = 'You will be given one sentence taken from a job posting.';
  if (style === 'extract') {
    return [
      context,
      `List ${WHAT[target]}.`,
      'Write each one on its own line, copied exactly as it appears in the sentence.',
      'If the sentence contains none, answer with the single word None.',
    ].join(' ');
  }
  return [
    context,
    `Mark ${WHAT[target]}.`,
    'To mark one, write @@ directly before its first word and ## directly after its last word, and repeat the rest of the sentence exactly as given.',
    'If there is nothing to mark, repeat the sentence unchanged.',
  ].join(' ');
}

export const SENTENCE_PREFIX = 'Sentence: ';

/** Feedback after an extract-style answer with lines that are not in the sentence. */
export function extractFeedback(correct: readonly string[], missing: readonly string[]): string {
  const parts: string[] = [];
  if (correct.length) parts.push(`These items were extracted correctly: ${correct.join(', ')}.`);
  parts.push(`These items are not in the sentence, or are written differently: ${missing.join(', ')}.`);
  parts.push('Rewrite each of them exactly as it appears in the sentence, or leave it out.');
  if (correct.length) parts.push('Keep the correct items.');
  parts.push('Give one item per line.');
  return parts.join(' ');
}

/** Feedback after an NER-style answer that is not the sentence plus tags. */
export function nerFeedback(validSpans: readonly string[]): string {
  const parts = [
    'The sentence was not copied correctly.',
    'Repeat it exactly, even when there is nothing to mark: the same words, punctuation, spacing and mistakes.',
    'Add nothing but the @@ and ## tags, and do not add or remove spaces.',
  ];
  if (validSpans.length) parts.push(`Keep these marked with the tags: ${validSpans.join(', ')}.`);
  return parts.join(' ');
}
