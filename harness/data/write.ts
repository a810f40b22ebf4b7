import { writeFileSync } from 'node:fs';
import { spansToLayers } from '../spans/bio.ts';
import type { Sentence } from './types.ts';

/** Sentences in SkillSpan's JSONL form (the form readSkillSpanJsonl reads back). */
export function formatSkillSpanJsonl(sentences: readonly Sentence[]): string {
  return sentences
    .map((sentence) => {
      const layers = spansToLayers(sentence.spans, sentence.tokens.length);
      return `${JSON.stringify({
        idx: sentence.docId,
        tokens: sentence.tokens,
        tags_skill: layers.SKILL,
        tags_knowledge: layers.KNOWLEDGE,
        source: sentence.source,
      })}\n`;
    })
    .join('');
}

export function writeSkillSpanJsonl(path: string, sentences: readonly Sentence[]): void {
  writeFileSync(path, formatSkillSpanJsonl(sentences));
}
