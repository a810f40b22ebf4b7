import { type BertNormalizerOptions, bertNormalize } from './bert-normalizer.ts';
import { bertPreTokenize } from './bert-pre-tokenizer.ts';
import { WordPiece, type WordPieceOptions } from './wordpiece.ts';

/** One encoded sequence; wordIds is null for special tokens ([CLS], [SEP]). */
export interface Encoding {
  ids: number[];
  tokens: string[];
  wordIds: (number | null)[];
}

export interface BertTokenizerOptions extends WordPieceOptions {
  normalizer: BertNormalizerOptions;
  clsToken: string;
  sepToken: string;
  padToken: string;
  /** added tokens matched verbatim in the raw text before normalisation ([CLS], [MASK], ...) */
  addedTokens: Map<string, number>;
}

export interface EncodeOptions {
  /** total length including [CLS] and [SEP]; words beyond it are cut (truncation "longest_first", one sequence) */
  maxLength?: number;
  /** add [CLS] ... [SEP] (default true) */
  addSpecialTokens?: boolean;
}

/**
 * A BERT WordPiece tokenizer equal to Hugging Face tokenizers' pipeline for BERT: added-token
 * split, BertNormalizer, BertPreTokenizer, WordPiece, then the [CLS] $A [SEP] template.
 * encodeWords takes pre-split words (is_split_into_words) and reports each token's word index.
 */
export class BertTokenizer {
  private readonly wordPiece: WordPiece;
  private readonly idToToken: string[];
  /** added tokens, longest first, for the leftmost-longest split */
  private readonly addedByLength: string[];

  constructor(readonly options: BertTokenizerOptions) {
    this.wordPiece = new WordPiece(options);
    this.idToToken = [];
    for (const [token, id] of options.vocab) this.idToToken[id] = token;
    for (const [token, id] of options.addedTokens) this.idToToken[id] = token;
    this.addedByLength = [...options.addedTokens.keys()].sort((a, b) => b.length - a.length);
    for (const special of [options.clsToken, options.sepToken, options.padToken]) this.id(special);
  }

  get vocabSize(): number {
    return this.idToToken.length;
  }

  get padId(): number {
    return this.id(this.options.padToken);
  }

  get clsId(): number {
    return this.id(this.options.clsToken);
  }

  get sepId(): number {
    return this.id(this.options.sepToken);
  }

  id(token: string): number {
    const id = this.options.addedTokens.get(token) ?? this.options.vocab.get(token);
    if (id === undefined) throw new Error(`token ${token} is not in the vocabulary`);
    return id;
  }

  token(id: number): string {
    return this.idToToken[id] ?? this.options.unkToken;
  }

  /** The subword tokens of one word (no specials). */
  tokenizeWord(word: string): string[] {
    const tokens: string[] = [];
    for (const part of this.splitAddedTokens(word)) {
      if (part.added) {
        tokens.push(part.text);
        continue;
      }
      for (const piece of bertPreTokenize(bertNormalize(part.text, this.options.normalizer))) {
        tokens.push(...this.wordPiece.tokenize(piece));
      }
    }
    return tokens;
  }

  encodeWords(words: readonly string[], options: EncodeOptions = {}): Encoding {
    const addSpecial = options.addSpecialTokens ?? true;
    const budget =
      options.maxLength === undefined ? Number.POSITIVE_INFINITY : options.maxLength - (addSpecial ? 2 : 0);
    const tokens: string[] = [];
    const wordIds: (number | null)[] = [];
    for (let w = 0; w < words.length && tokens.length < budget; w++) {
      for (const token of this.tokenizeWord(words[w])) {
        if (tokens.length >= budget) break;
        tokens.push(token);
        wordIds.push(w);
      }
    }
    if (addSpecial) {
      tokens.unshift(this.options.clsToken);
      wordIds.unshift(null);
      tokens.push(this.options.sepToken);
      wordIds.push(null);
    }
    return { ids: tokens.map((t) => this.id(t)), tokens, wordIds };
  }

  /** Splits text on added tokens (leftmost, then longest match), as tokenizers' AddedVocabulary does. */
  private splitAddedTokens(text: string): { text: string; added: boolean }[] {
    if (this.addedByLength.length === 0) return [{ text, added: false }];
    const parts: { text: string; added: boolean }[] = [];
    let rest = text;
    while (rest) {
      let bestAt = -1;
      let best = '';
      for (const token of this.addedByLength) {
        const at = rest.indexOf(token);
        if (at >= 0 && (bestAt < 0 || at < bestAt)) {
          bestAt = at;
          best = token;
        }
      }
      if (bestAt < 0) {
        parts.push({ text: rest, added: false });
        break;
      }
      if (bestAt > 0) parts.push({ text: rest.slice(0, bestAt), added: false });
      parts.push({ text: best, added: true });
      rest = rest.slice(bestAt + best.length);
    }
    return parts;
  }
}
