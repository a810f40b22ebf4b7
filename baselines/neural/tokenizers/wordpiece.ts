/**
 * The WordPiece model: greedy longest-match-first over a word's characters, later pieces carrying
 * the continuation prefix (`##`). A word with more than maxInputCharsPerWord characters, or with
 * a part no vocabulary entry matches, becomes the unknown token as a whole.
 */
export interface WordPieceOptions {
  vocab: Map<string, number>;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

export class WordPiece {
  private readonly cache = new Map<string, string[]>();

  constructor(readonly options: WordPieceOptions) {
    if (!options.vocab.has(options.unkToken)) {
      throw new Error(`the unknown token ${options.unkToken} is not in the vocabulary`);
    }
  }

  tokenize(word: string): string[] {
    let pieces = this.cache.get(word);
    if (!pieces) {
      pieces = this.split(word);
      if (this.cache.size < 200_000) this.cache.set(word, pieces);
    }
    return pieces;
  }

  private split(word: string): string[] {
    const { vocab, unkToken, continuingSubwordPrefix, maxInputCharsPerWord } = this.options;
    const chars = [...word];
    if (chars.length > maxInputCharsPerWord) return [unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const piece = (start > 0 ? continuingSubwordPrefix : '') + chars.slice(start, end).join('');
        if (vocab.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === undefined) return [unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}
