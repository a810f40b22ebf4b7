/**
 * BertPreTokenizer: split on whitespace (dropped) and on punctuation (each mark its own piece).
 * Punctuation is ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or any
 * Unicode P* character, as in tokenizers' is_bert_punc.
 */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const UNICODE_PUNCTUATION = /\p{P}/u;
const WHITESPACE = /\p{White_Space}/u;

export function isBertPunctuation(c: string): boolean {
  return ASCII_PUNCTUATION.test(c) || UNICODE_PUNCTUATION.test(c);
}

export function bertPreTokenize(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const c of text) {
    if (WHITESPACE.test(c)) {
      if (current) pieces.push(current);
      current = '';
    } else if (isBertPunctuation(c)) {
      if (current) pieces.push(current);
      pieces.push(c);
      current = '';
    } else {
      current += c;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}
