import type { BertTokenizer } from '../neural/tokenizers/bert-tokenizer.ts';
import type { WordTokenizer } from './inputs.ts';

/** A WordPiece tokenizer (the fixture's, or the bundled vocabulary for a from-scratch model) as GLiNER's word tokenizer. */
export function wordPieceWordTokenizer(tokenizer: BertTokenizer): WordTokenizer {
  return {
    encodeWords: (words) => tokenizer.encodeWords(words),
    padId: tokenizer.id(tokenizer.options.padToken),
  };
}
