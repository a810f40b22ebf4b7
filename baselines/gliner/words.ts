/**
 * GLiNER v0.2.9's "whitespace" words splitter, which is in fact the regex \w+(?:[-_]\w+)*|\S:
 * runs of word characters (joined by single - or _), and every other non-space character alone.
 * Offsets are in Unicode code points with an exclusive end, as Python's str indices are.
 */
export interface Word {
  text: string;
  start: number;
  end: number;
}

// Python's \w on str: letters, digits and other numerics, and the underscore (no marks)
const WORD = /[\p{L}\p{N}_]+(?:[-_][\p{L}\p{N}_]+)*|\S/gu;

export function splitWords(text: string, maxWords = Number.POSITIVE_INFINITY): Word[] {
  const words: Word[] = [];
  // UTF-16 index -> code point index, only needed when the text has surrogate pairs
  const astral = /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text);
  const codePoint = astral ? codePointIndex(text) : undefined;
  for (const match of text.matchAll(WORD)) {
    if (words.length >= maxWords) break;
    const from = match.index;
    const to = from + match[0].length;
    words.push({
      text: match[0],
      start: codePoint ? codePoint[from] : from,
      end: codePoint ? codePoint[to] : to,
    });
  }
  return words;
}

function codePointIndex(text: string): Int32Array {
  const index = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    index[i] = cp;
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      index[i + 1] = cp;
      i++;
    }
    cp++;
  }
  index[text.length] = cp;
  return index;
}

/** The substring between code point offsets (start inclusive, end exclusive). */
export function sliceCodePoints(text: string, start: number, end: number): string {
  if (!/[\uD800-\uDBFF]/.test(text)) return text.slice(start, end);
  return Array.from(text).slice(start, end).join('');
}
