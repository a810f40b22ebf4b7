/**
 * The BertNormalizer of Hugging Face tokenizers, step by step in its order: clean text (drop NUL,
 * U+FFFD and "other" characters, turn whitespace into spaces), pad CJK ideographs with spaces,
 * strip accents (NFD, drop nonspacing marks), lowercase (per character, as Rust's
 * char::to_lowercase does: no final-sigma rule).
 */
export interface BertNormalizerOptions {
  cleanText: boolean;
  handleChineseChars: boolean;
  /** null follows lowercase, as in tokenizers */
  stripAccents: boolean | null;
  lowercase: boolean;
}

const OTHER = /\p{C}/u;
const WHITESPACE = /\p{White_Space}/u;
const NONSPACING_MARK = /\p{Mn}/u;

export function isBertWhitespace(c: string): boolean {
  return c === '\t' || c === '\n' || c === '\r' || WHITESPACE.test(c);
}

function isControl(c: string): boolean {
  return c !== '\t' && c !== '\n' && c !== '\r' && OTHER.test(c);
}

/** The CJK Unified Ideographs blocks BERT pads (not Hangul, Hiragana or Katakana). */
export function isChineseChar(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2a6df) ||
    (code >= 0x2a700 && code <= 0x2b73f) ||
    (code >= 0x2b740 && code <= 0x2b81f) ||
    (code >= 0x2b920 && code <= 0x2ceaf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x2f800 && code <= 0x2fa1f)
  );
}

export function bertNormalize(text: string, options: BertNormalizerOptions): string {
  let chars = [...text];
  if (options.cleanText) {
    chars = chars
      .filter((c) => !(c === '\u0000' || c === '\ufffd' || isControl(c)))
      .map((c) => (isBertWhitespace(c) ? ' ' : c));
  }
  if (options.handleChineseChars) {
    chars = chars.flatMap((c) => (isChineseChar(c.codePointAt(0)!) ? [' ', c, ' '] : [c]));
  }
  if (options.stripAccents ?? options.lowercase) {
    chars = [...chars.join('').normalize('NFD')].filter((c) => !NONSPACING_MARK.test(c));
  }
  if (options.lowercase) chars = chars.map((c) => c.toLowerCase());
  return chars.join('');
}
