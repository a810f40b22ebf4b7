/**
 * Extract style: the model lists one span per line, or answers `None`. The original's check (every
 * line a substring of the lowercased sentence) and two ways back to token spans: `tokens` (each
 * line located as a whole token sequence; our default) and `legacy` (the original's first-word
 * shortcut, kept for exact reproduction; see docs/llm-prompting.md).
 */
import type { BioTag } from '../../harness/data/types.ts';
import { splitWhitespace } from './ner-style.ts';

export interface ExtractCheck {
  valid: boolean;
  /** lowercased lines found in the sentence */
  correct: string[];
  /** lowercased lines not found: the feedback names them */
  missing: string[];
}

/** The format check: exactly `None`, or every line (lowercased, untrimmed) a substring of the lowercased sentence. */
export function checkExtractAnswer(sentence: string, answer: string): ExtractCheck {
  if (answer === 'None') return { valid: true, correct: [], missing: [] };
  const haystack = sentence.toLowerCase();
  const correct: string[] = [];
  const missing: string[] = [];
  for (const line of answer.toLowerCase().split('\n'))
    (haystack.includes(line) ? correct : missing).push(line);
  return { valid: missing.length === 0, correct, missing };
}

/** The original mapping (§7.1): first word located at its first occurrence, the following words never checked. */
export function extractAnswerToBioLegacy(
  tokens: readonly string[],
  answer: string,
): { tags: BioTag[]; unplaced: string[] } {
  const tags: BioTag[] = tokens.map(() => 'O');
  const unplaced: string[] = [];
  if (answer === '' || answer.includes('None')) return { tags, unplaced };
  const lower = tokens.map((token) => token.toLowerCase());
  for (const line of answer.split('\n')) {
    const words = splitWhitespace(line).map((word) => word.toLowerCase());
    // the original raised on an empty line; skipping it is our (recorded) deviation
    if (words.length === 0) continue;
    const first = lower.includes(words[0]) ? words[0] : lower.find((token) => token.includes(words[0]));
    if (first === undefined) {
      unplaced.push(line);
      continue;
    }
    const at = lower.indexOf(first);
    tags[at] = 'B';
    for (let k = 1; k < words.length && at + k < tags.length; k++) tags[at + k] = 'I';
  }
  return { tags, unplaced };
}

/**
 * Each line as a whole token sequence (case-insensitive): the first occurrence not already taken
 * by an earlier line, else the first. A line that is no token sequence of the sentence is unplaced.
 */
export function extractAnswerToSpans(
  tokens: readonly string[],
  answer: string,
): { spans: { start: number; end: number }[]; unplaced: string[] } {
  const spans: { start: number; end: number }[] = [];
  const unplaced: string[] = [];
  if (answer.trim() === 'None') return { spans, unplaced };
  const lower = tokens.map((token) => token.toLowerCase());
  const seen = new Set<string>();
  for (const line of answer.split('\n')) {
    const words = splitWhitespace(line).map((word) => word.toLowerCase());
    if (words.length === 0) continue;
    const occurrences: number[] = [];
    for (let start = 0; start + words.length <= lower.length; start++) {
      if (words.every((word, k) => lower[start + k] === word)) occurrences.push(start);
    }
    if (occurrences.length === 0) {
      unplaced.push(line);
      continue;
    }
    const free = occurrences.find((start) => !seen.has(`${start}:${start + words.length}`)) ?? occurrences[0];
    const key = `${free}:${free + words.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    spans.push({ start: free, end: free + words.length });
  }
  return { spans, unplaced };
}

/** The demonstration answer: each span's text on its own line, left to right, or `None`. */
export function extractGoldAnswer(
  tokens: readonly string[],
  spans: readonly { start: number; end: number }[],
): string {
  if (spans.length === 0) return 'None';
  return [...spans]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((span) => tokens.slice(span.start, span.end).join(' '))
    .join('\n');
}
