import type { Label, Sentence } from '../../harness/data/types.ts';
import { spansToLayers } from '../../harness/spans/bio.ts';

/**
 * The Skill-LLM authors' SkillSpan -> GLiNER conversion (src/gliner/utils.py: proc_ex and
 * convert_to_gliner_dataset), behaviour for behaviour: the sentence is the tokens joined by single
 * spaces; labels are "Skill" and "Knowledge"; an I tag with no open entity (after O or at the
 * start) is dropped together with its run; a sentence without entities gets the never-valid span
 * [0, n, "Information"], whose only effect is that "Information" enters the prompts.
 */
export const GLINER_LABELS: Record<Label, string> = { SKILL: 'Skill', KNOWLEDGE: 'Knowledge' };
export const FILLER_LABEL = 'Information';

/** A training example in GLiNER's format: words and [start, end (inclusive), label] spans. */
export interface GlinerExample {
  tokens: string[];
  ner: [number, number, string][];
}

/** An entity in character offsets of the space-joined sentence (end exclusive). */
export interface CharEntity {
  label: string;
  start: number;
  end: number;
  text: string;
}

interface FieldConversion {
  spans: [number, number][];
  entities: CharEntity[];
}

/** One BIO field, exactly as proc_ex walks it. */
export function convertField(
  tokens: readonly string[],
  tags: readonly string[],
  label: string,
): FieldConversion {
  const spans: [number, number][] = [];
  const entities: CharEntity[] = [];
  let sentence = '';
  let open: number | undefined;
  let charStart = 0;
  let charEnd = 0;
  let text = '';
  let previous = 'O';
  const close = (last: number) => {
    spans.push([open!, last]);
    entities.push({ label, start: charStart, end: charEnd, text });
    open = undefined;
  };
  tokens.forEach((token, i) => {
    sentence = sentence === '' ? token : `${sentence} ${token}`;
    const tag = tags[i];
    if (tag === 'O') {
      if (open !== undefined) close(i - 1);
      previous = 'O';
    } else if (tag.startsWith('B')) {
      if (open !== undefined) close(i - 1);
      open = i;
      charStart = sentence.length - token.length;
      charEnd = sentence.length;
      text = token;
      previous = tag;
    } else if (tag.startsWith('I')) {
      // with no open entity the reference only edits its scratch text: nothing is emitted
      if (previous === 'O') text = tokens[i - 1] ?? '';
      charEnd = sentence.length;
      text = `${text} ${token}`;
      previous = tag;
    }
  });
  if (open !== undefined) close(tokens.length - 1);
  return { spans, entities };
}

export interface ConvertedSentence {
  text: string;
  example: GlinerExample;
  /** gold in character offsets: Knowledge entities first, as the authors list them */
  gold: CharEntity[];
}

export function convertTags(
  tokens: readonly string[],
  tagsSkill: readonly string[],
  tagsKnowledge: readonly string[],
): ConvertedSentence {
  const knowledge = convertField(tokens, tagsKnowledge, GLINER_LABELS.KNOWLEDGE);
  const skill = convertField(tokens, tagsSkill, GLINER_LABELS.SKILL);
  const ner: [number, number, string][] =
    skill.spans.length === 0 && knowledge.spans.length === 0
      ? [[0, tokens.length, FILLER_LABEL]]
      : [
          ...skill.spans.map(([a, b]): [number, number, string] => [a, b, GLINER_LABELS.SKILL]),
          ...knowledge.spans.map(([a, b]): [number, number, string] => [a, b, GLINER_LABELS.KNOWLEDGE]),
        ];
  return {
    text: tokens.join(' '),
    example: { tokens: [...tokens], ner },
    gold: [...knowledge.entities, ...skill.entities],
  };
}

/**
 * The conversion of a harness Sentence. Its spans come from conlleval chunking (an orphan I opens
 * a span), so they are turned back into B/I tags first: the one orphan-I run in SkillSpan
 * (test:977) is therefore kept here, where the authors' code drops it. Train and dev have none.
 */
export function convertSentence(sentence: Sentence): ConvertedSentence {
  const layers = spansToLayers(sentence.spans, sentence.tokens.length);
  return convertTags(sentence.tokens, layers.SKILL, layers.KNOWLEDGE);
}
