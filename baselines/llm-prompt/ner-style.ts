/**
 * NER style: the model copies the sentence with `@@` before the first and `##` after the last word
 * of each span. A port of the original's repair-then-check (`postprocess_ner_prompt`, described in
 * docs/llm-prompting.md) and of its token walk; every out-of-range read that raised in Python is
 * a mismatch here.
 */
import type { BioTag } from '../../harness/data/types.ts';

/** The punctuation the repair knows. */
const PUNCTUATION = new Set(['.', ',', '!', '?', ';', ':', "'", '"', '/', '(', ')', '[', ']', '{', '}']);

// Python's \w is Unicode-aware; JS's \w is ASCII even with the u flag
const WORD = String.raw`[\p{L}\p{N}_]`;
/** a word character or a closing tag, then closing punctuation (a tag right after it stays with it) | opening punctuation (a tag right before it stays with it), then a word character */
const SPLIT_PUNCTUATION = new RegExp(
  String.raw`(${WORD}|##)([.,!?;:')\]}"/](?:##)?)|((?:@@)?[.,!?;:'(\[{"/])(${WORD})`,
  'gu',
);

export interface NerRepair {
  /** the repaired answer R */
  repaired: string;
  /** the answer cannot be aligned to the sentence: re-ask */
  mismatch: boolean;
  /** tagged texts that are substrings of the sentence (for the feedback) */
  validSpans: string[];
}

const isLower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z';
const isLetter = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/** Repairs re-spaced punctuation and checks that the answer is the sentence plus tags. */
export function repairNerAnswer(sentence: string, answer: string): NerRepair {
  let output = answer;
  // 1. a closing tag after the final punctuation moves in front of it (a space before the mark goes)
  if (output.endsWith('##') && PUNCTUATION.has(output.at(-3) ?? '')) {
    const mark = output.at(-3)!;
    const before = output.slice(0, -3);
    output = `${before.endsWith(' ') ? before.slice(0, -1) : before}##${mark}`;
  }
  // 2. punctuation the model added at the end
  if (!PUNCTUATION.has(sentence.at(-1) ?? '') && PUNCTUATION.has(output.at(-1) ?? ''))
    output = output.slice(0, -1);
  // 3. tagged texts found in the sentence
  const validSpans = [...output.matchAll(/@@(.*?)##/gs)]
    .map((match) => match[1])
    .filter((text) => sentence.includes(text));
  // 4. punctuation split off as the tokenised sentence has it
  const generated = output
    .replace(SPLIT_PUNCTUATION, (_all, word?: string, close?: string, open?: string, next?: string) =>
      word !== undefined ? `${word} ${close}` : `${open} ${next}`,
    )
    .replace(/\s+/gu, ' ')
    .trimEnd();
  const { repaired, mismatch } = align(sentence, generated);
  const tokenMismatch = splitWhitespace(repaired).length !== splitWhitespace(sentence).length;
  return { repaired, mismatch: mismatch || tokenMismatch, validSpans };
}

/** 5-6. Walks the sentence O and the answer G together, restoring the sentence's spacing. */
function align(original: string, generated: string): { repaired: string; mismatch: boolean } {
  const O = original;
  const G = generated;
  let i = 0;
  let j = 0;
  let repaired = '';
  let mismatch = false;
  while (i < O.length && j < G.length) {
    const o = O[i];
    const g = G[j];
    if (o === g) {
      repaired += g;
      i++;
      j++;
    } else if (g === '@' || g === '#') {
      repaired += g;
      j++;
    } else if (g === ' ') {
      const previous = j > 0 ? G[j - 1] : undefined;
      const next = G[j + 1];
      if (next !== undefined && next === o && (PUNCTUATION.has(o) || PUNCTUATION.has(previous ?? ''))) {
        // a space the model put around punctuation
        repaired += next;
        j += 2;
        i += 1;
      } else if (
        PUNCTUATION.has(previous ?? '') &&
        next === '@' &&
        G[j + 3] !== undefined &&
        G[j + 3] === o
      ) {
        repaired += `@@${G[j + 3]}`;
        j += 4;
        i += 1;
      } else {
        mismatch = true;
        break;
      }
    } else if (PUNCTUATION.has(g)) {
      if (o === ' ' && O[i + 1] === g) {
        // the model glued punctuation the sentence has spaced
        repaired += ` ${g}`;
        j += 1;
        i += 2;
      } else if (isLower(o) && G[j + 2] === o) {
        repaired += o;
        j += 3;
        i += 1;
      } else if (isLower(o) && G[j + 2] === '@' && G[j + 4] === o) {
        repaired += `@@${o}`;
        j += 5;
        i += 1;
      } else {
        mismatch = true;
        break;
      }
    } else if (
      isLower(g) &&
      o === ' ' &&
      i >= 4 &&
      j >= 4 &&
      G.slice(j - 4, j) === O.slice(i - 4, i) &&
      G.slice(j, j + 4) === O.slice(i + 1, i + 5)
    ) {
      // the model dropped a space
      repaired += ' ';
      i += 1;
    } else if (!isLower(o) && !isLetter(g)) {
      // digits, dashes and the like: skipped on both sides, and (as in the original) not copied
      i++;
      j++;
    } else {
      mismatch = true;
      break;
    }
  }
  return { repaired: repaired + G.slice(j), mismatch };
}

/** Python's str.split(): any whitespace, no empty pieces. */
export function splitWhitespace(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/u);
}

/** The tag walk over the repaired answer (§7.2): `@@` opens, `##` closes, an unclosed span runs to the end. */
export function nerAnswerToBio(repaired: string): BioTag[] {
  const tags: BioTag[] = [];
  let inside = false;
  for (const token of splitWhitespace(repaired)) {
    if (!inside) {
      if (token.includes('@@')) {
        tags.push('B');
        inside = !token.includes('##');
      } else {
        tags.push('O');
      }
    } else {
      tags.push('I');
      if (token.includes('##')) inside = false;
    }
  }
  return tags;
}

/** The demonstration answer: the sentence with each span's first token prefixed `@@` and last token suffixed `##`. */
export function nerGoldAnswer(
  tokens: readonly string[],
  spans: readonly { start: number; end: number }[],
): string {
  const marked = [...tokens];
  for (const span of spans) {
    marked[span.start] = `@@${marked[span.start]}`;
    marked[span.end - 1] = `${marked[span.end - 1]}##`;
  }
  return marked.join(' ');
}
