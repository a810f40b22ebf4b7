import { ratio } from 'fuzzball';
import type { Span } from '../../harness/data/types.ts';
import { type CharSpan, tokenOffsets } from '../../harness/spans/offsets.ts';
import { htmlUnescape } from '../../harness/util/python/html-unescape.ts';
import type { AnsweredSpan } from './parse-answer.ts';

/**
 * lenient: the authors' search (whole-word case-insensitive occurrences of the span, else any
 * case-insensitive occurrence), snapped outward to token boundaries. strict: only exact-case
 * occurrences that start and end on token boundaries.
 */
export type AlignMode = 'lenient' | 'strict';

/** A sentence as the model saw it: tokens html-unescaped and joined by spaces, with offsets. */
export interface AlignTarget {
  text: string;
  offsets: CharSpan[];
}

export function alignTarget(tokens: readonly string[]): AlignTarget {
  const visible = tokens.map(htmlUnescape);
  return { text: visible.join(' '), offsets: tokenOffsets(visible) };
}

// Python's \w for str patterns: Unicode letters, digits and the underscore.
const WORD = /[\p{L}\p{N}_]/u;
const isWord = (char: string | undefined) => char !== undefined && WORD.test(char);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Python's re.finditer(r'\b' + re.escape(span) + r'\b', text, re.IGNORECASE) (wholeWord) or
 * without the \b: \b before a word character needs a non-word character (or the start) before
 * it, before a non-word character a word character; likewise at the end.
 */
function occurrences(text: string, span: string, wholeWord: boolean, ignoreCase: boolean): CharSpan[] {
  const chars = [...span];
  const before = wholeWord ? (isWord(chars[0]) ? '(?<![\\p{L}\\p{N}_])' : '(?<=[\\p{L}\\p{N}_])') : '';
  const after = wholeWord
    ? isWord(chars[chars.length - 1])
      ? '(?![\\p{L}\\p{N}_])'
      : '(?=[\\p{L}\\p{N}_])'
    : '';
  const pattern = new RegExp(`${before}${escapeRegExp(span)}${after}`, ignoreCase ? 'giu' : 'gu');
  return [...text.matchAll(pattern)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/**
 * The occurrence whose surroundings best match the context by fuzzy ratio (fuzzywuzzy's ratio
 * through fuzzball, as the authors scored it): each occurrence is widened on both sides by the
 * context's extra length, and the first best wins.
 */
function bestOccurrence(
  text: string,
  found: CharSpan[],
  span: string,
  context: string,
): CharSpan | undefined {
  const extra = context.length - span.length;
  let best: CharSpan | undefined;
  let bestScore = -1;
  for (const occurrence of found) {
    const window = text.slice(
      Math.max(0, occurrence.start - extra),
      Math.min(text.length, occurrence.end + extra),
    );
    const score = found.length === 1 ? 0 : ratio(window, context, { full_process: false });
    if (score > bestScore) {
      best = occurrence;
      bestScore = score;
    }
  }
  return best;
}

/** Every run of whole tokens whose text is exactly the span (overlapping runs included). */
function tokenSequences(target: AlignTarget, span: string): CharSpan[] {
  const found: CharSpan[] = [];
  const ends = new Set(target.offsets.map((o) => o.end));
  for (const first of target.offsets) {
    if (target.text.startsWith(span, first.start) && ends.has(first.start + span.length)) {
      found.push({ start: first.start, end: first.start + span.length });
    }
  }
  return found;
}

/** The tokens a character span touches (snapped outward), or undefined when it covers none. */
function snap(offsets: readonly CharSpan[], chars: CharSpan): { start: number; end: number } | undefined {
  const start = offsets.findIndex((o) => o.end > chars.start);
  let last = -1;
  for (let i = offsets.length - 1; i >= 0; i--) {
    if (offsets[i].start < chars.end) {
      last = i;
      break;
    }
  }
  return start < 0 || last < start ? undefined : { start, end: last + 1 };
}

/** Where an answered span is in the sentence, as a token span, or undefined (a hallucination). */
export function alignSpan(target: AlignTarget, answered: AnsweredSpan, mode: AlignMode): Span | undefined {
  const span = answered.text.trim();
  if (span === '') return undefined;
  let found: CharSpan[];
  if (mode === 'strict') {
    found = tokenSequences(target, span);
  } else {
    found = occurrences(target.text, span, true, true);
    if (found.length === 0) found = occurrences(target.text, span, false, true);
  }
  const best = bestOccurrence(target.text, found, span, answered.context);
  const tokens = best && snap(target.offsets, best);
  return tokens && { label: answered.label, ...tokens };
}
