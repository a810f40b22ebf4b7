import type { WordPieces } from './word-tokenizer.ts';

/** SentencePiece's penalty below the lowest piece score for an unknown character. */
const UNK_PENALTY = 10;

/**
 * The Unigram segmentation SentencePiece computes (unigram_model.cc, EncodeOptimized): a
 * forward pass over character positions keeping, for each end position, the best-scoring path,
 * candidates tried from each start in order of increasing length and replaced only by a strictly
 * better score, scores summed in float32; a character no piece covers becomes an unknown piece
 * (lowest score - 10), and runs of unknown pieces are merged into one, as spm_encode reports them.
 * Our own because @huggingface/tokenizers' lattice breaks exact ties differently (e.g. "……").
 */
export class UnigramModel {
  private readonly ids = new Map<string, number>();
  private readonly scores: Float32Array;
  private readonly maxLength: number;
  private readonly unkScore: number;

  /**
   * pieces in id order; `matchable(id)` false keeps control, unknown and unused pieces out of
   * the text (SentencePiece never matches them).
   */
  constructor(
    pieces: readonly [string, number][],
    readonly unkId: number,
    matchable: (id: number) => boolean = (id) => id !== unkId,
  ) {
    this.scores = Float32Array.from(pieces, ([, score]) => score);
    let lowest = Number.POSITIVE_INFINITY;
    let longest = 1;
    pieces.forEach(([piece], id) => {
      if (!matchable(id) || !piece) return;
      if (!this.ids.has(piece)) this.ids.set(piece, id);
      lowest = Math.min(lowest, this.scores[id]);
      longest = Math.max(longest, piece.length);
    });
    this.maxLength = longest;
    this.unkScore = Math.fround(lowest - UNK_PENALTY);
  }

  /** The pieces of a normalised string (its "▁" markers included). */
  encode(text: string): WordPieces {
    const n = text.length;
    const bestScore = new Float32Array(n + 1);
    const startsAt = new Int32Array(n + 1).fill(-1);
    const id = new Int32Array(n + 1).fill(-1);
    const offer = (end: number, start: number, score: number, piece: number) => {
      const candidate = Math.fround(score + bestScore[start]);
      if (startsAt[end] === -1 || candidate > bestScore[end]) {
        bestScore[end] = candidate;
        startsAt[end] = start;
        id[end] = piece;
      }
    };
    for (let start = 0; start < n; ) {
      const code = text.codePointAt(start)!;
      const charLength = code > 0xffff ? 2 : 1;
      let single = false;
      for (let end = start + 1; end <= Math.min(n, start + this.maxLength); end++) {
        const piece = this.ids.get(text.slice(start, end));
        if (piece === undefined) continue;
        offer(end, start, this.scores[piece], piece);
        if (end - start === charLength) single = true;
      }
      if (!single) offer(start + charLength, start, this.unkScore, this.unkId);
      start += charLength;
    }
    const tokens: string[] = [];
    const ids: number[] = [];
    for (let end = n; end > 0; end = startsAt[end]) {
      const surface = text.slice(startsAt[end], end);
      if (id[end] === this.unkId && ids.length > 0 && ids[ids.length - 1] === this.unkId) {
        tokens[tokens.length - 1] = surface + tokens[tokens.length - 1];
        continue;
      }
      tokens.push(surface);
      ids.push(id[end]);
    }
    return { tokens: tokens.reverse(), ids: ids.reverse() };
  }
}
