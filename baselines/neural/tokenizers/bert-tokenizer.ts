import { type BertNormalizerOptions, bertNormalize } from './bert-normalizer.ts';
import { bertPreTokenize } from './bert-pre-tokenizer.ts';
import { PreSplitTokenizer, type WordPieces } from './word-tokenizer.ts';
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
export class BertTokenizer extends PreSplitTokenizer {
  private readonly wordPiece: WordPiece;

  constructor(readonly options: BertTokenizerOptions) {
    super(options.vocab, options.addedTokens, {
      cls: options.clsToken,
      sep: options.sepToken,
      pad: options.padToken,
      unk: options.unkToken,
    });
    this.wordPiece = new WordPiece(options);
  }

  protected segment(text: string): WordPieces {
    const tokens: string[] = [];
    for (const piece of bertPreTokenize(bertNormalize(text, this.options.normalizer))) {
      tokens.push(...this.wordPiece.tokenize(piece));
    }
    return { tokens, ids: tokens.map((t) => this.id(t)) };
  }
}
