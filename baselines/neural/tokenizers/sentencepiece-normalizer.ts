import type { SentencePieceModel } from './sentencepiece-model.ts';

const SPACE_SYMBOL = '▁';

/**
 * SentencePiece's normaliser (normalizer.cc), driven by the model's precompiled charsmap:
 * longest-prefix rewriting of the UTF-8 input through a Darts-clone double-array trie, leading,
 * trailing and repeated whitespace removed, spaces escaped as "▁" and a "▁" dummy prefix. Our
 * own because @huggingface/tokenizers ignores the charsmap (it applies the runtime's NFKC, which
 * differs on some code points) and Hugging Face's Rust port takes the shortest match per
 * grapheme; this one is what spm_encode does.
 */
export class SentencePieceNormalizer {
  private readonly units: Uint32Array;
  private readonly strings: Uint8Array;
  private readonly cache = new Map<string, string>();

  constructor(
    charsmap: Uint8Array,
    private readonly spec: SentencePieceModel['normalizer'],
  ) {
    if (charsmap.length === 0) {
      this.units = new Uint32Array(0);
      this.strings = new Uint8Array(0);
      return;
    }
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > charsmap.length)
      throw new Error('malformed precompiled charsmap');
    this.units = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.strings = charsmap.subarray(4 + trieBytes);
  }

  normalize(text: string): string {
    let cached = this.cache.get(text);
    if (cached === undefined) {
      cached = this.run(text);
      if (this.cache.size < 100_000) this.cache.set(text, cached);
    }
    return cached;
  }

  private run(text: string): string {
    const { removeExtraWhitespaces, addDummyPrefix, escapeWhitespaces } = this.spec;
    const input = new TextEncoder().encode(text);
    let at = 0;
    if (removeExtraWhitespaces) {
      while (at < input.length) {
        const [piece, consumed] = this.prefix(input, at);
        if (piece !== ' ') break;
        at += consumed;
      }
    }
    if (at >= input.length) return '';
    const space = escapeWhitespaces ? SPACE_SYMBOL : ' ';
    let out = addDummyPrefix ? space : '';
    let previousSpace = removeExtraWhitespaces;
    while (at < input.length) {
      const [normalized, consumed] = this.prefix(input, at);
      let piece = normalized;
      while (previousSpace && piece.startsWith(' ')) piece = piece.slice(1);
      if (piece) {
        out += escapeWhitespaces ? piece.replaceAll(' ', SPACE_SYMBOL) : piece;
        previousSpace = piece.endsWith(' ');
      }
      at += consumed;
      if (!removeExtraWhitespaces) previousSpace = false;
    }
    if (removeExtraWhitespaces) while (out.endsWith(space)) out = out.slice(0, -space.length);
    return out;
  }

  /** The rewrite of the longest rule matching at `at` and the bytes it consumes (one character when none). */
  private prefix(input: Uint8Array, at: number): [string, number] {
    let longest = 0;
    let value = 0;
    const units = this.units;
    if (units.length > 0) {
      let node = offset(units[0]);
      for (let i = at; i < input.length; i++) {
        node ^= input[i];
        const unit = units[node];
        if (unit === undefined || label(unit) !== input[i]) break;
        node ^= offset(unit);
        if ((unit >>> 8) & 1) {
          longest = i + 1 - at;
          value = units[node] & 0x7fffffff;
        }
      }
    }
    if (longest > 0) {
      const end = this.strings.indexOf(0, value);
      return [new TextDecoder().decode(this.strings.subarray(value, end < 0 ? undefined : end)), longest];
    }
    const length = utf8Length(input, at);
    if (length === 0) return ['\ufffd', 1];
    return [new TextDecoder().decode(input.subarray(at, at + length)), length];
  }
}

/** Darts-clone unit fields. */
function offset(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}

function label(unit: number): number {
  return unit & ((1 << 31) | 0xff);
}

/** Bytes of the well-formed UTF-8 character at `at`, or 0 when malformed. */
function utf8Length(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  const length =
    first < 0x80
      ? 1
      : first >= 0xc2 && first < 0xe0
        ? 2
        : first >= 0xe0 && first < 0xf0
          ? 3
          : first >= 0xf0 && first < 0xf5
            ? 4
            : 0;
  if (length === 0 || at + length > bytes.length) return 0;
  for (let i = 1; i < length; i++) if ((bytes[at + i] & 0xc0) !== 0x80) return 0;
  return length;
}
