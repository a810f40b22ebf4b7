import { type BertNormalizerOptions, bertNormalize } from './bert-normalizer.ts';
import { bertPreTokenize } from './bert-pre-tokenizer.ts';
import {
  AddedVocabulary,
  type EncodeOptions,
  type Encoding,
  encodePreSplit,
  type WordPieces,
  type WordTokenizer,
} from './word-tokenizer.ts';
import { WordPiece, type WordPieceOptions } from './wordpiece.ts';

export type { EncodeOptions, Encoding } from './word-tokenizer.ts';

export interface BertTokenizerOptions extends WordPieceOptions {
  normalizer: BertNormalizerOptions;
  clsToken: string;
  sepToken: string;
  padToken: string;
  /** added tokens matched verbatim in the raw text before normalisation ([CLS], [MASK], ...) */
  addedTokens: Map<string, number>;
}

/**
 * A BERT WordPiece tokenizer equal to Hugging Face tokenizers' pipeline for BERT: added-token
 * split, BertNormalizer, BertPreTokenizer, WordPiece, then the [CLS] $A [SEP] template.
 * encodeWords takes pre-split words (is_split_into_words) and reports each token's word index.
 */
export class BertTokenizer implements WordTokenizer {
  private readonly wordPiece: WordPiece;
  private readonly idToToken: string[];
  private readonly added: AddedVocabulary;

  constructor(readonly options: BertTokenizerOptions) {
    this.wordPiece = new WordPiece(options);
    this.idToToken = [];
    for (const [token, id] of options.vocab) this.idToToken[id] = token;
    for (const [token, id] of options.addedTokens) this.idToToken[id] = token;
    this.added = new AddedVocabulary(options.addedTokens);
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

  has(token: string): boolean {
    return this.added.get(token) !== undefined || this.options.vocab.has(token);
  }

  id(token: string): number {
    const id = this.added.get(token) ?? this.options.vocab.get(token);
    if (id === undefined) throw new Error(`token ${token} is not in the vocabulary`);
    return id;
  }

  token(id: number): string {
    return this.idToToken[id] ?? this.options.unkToken;
  }

  /** The subword tokens of one word (no specials). */
  tokenizeWord(word: string): string[] {
    const tokens: string[] = [];
    for (const part of this.added.split(word)) {
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

  pieces(word: string): WordPieces {
    const tokens = this.tokenizeWord(word);
    return { tokens, ids: tokens.map((t) => this.id(t)) };
  }

  encodeWords(words: readonly string[], options: EncodeOptions = {}): Encoding {
    const { clsToken, sepToken } = this.options;
    return encodePreSplit(this, { cls: [clsToken, this.clsId], sep: [sepToken, this.sepId] }, words, options);
  }

  addTokens(tokens: readonly string[]): number {
    let added = 0;
    for (const token of tokens) {
      if (this.has(token)) continue;
      this.added.add(token, this.idToToken.length);
      this.idToToken.push(token);
      added++;
    }
    return added;
  }
}
