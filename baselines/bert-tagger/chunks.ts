import type { Label, Sentence } from '../../harness/data/types.ts';
import { spansToLayers } from '../../harness/spans/bio.ts';
import type { BertTokenizer } from '../neural/tokenizers/bert-tokenizer.ts';
import { tagIndex } from './tags.ts';

/**
 * A piece of a sentence that fits the encoder: consecutive words whose subwords, with [CLS] and
 * [SEP], number at most maxSubwords. Long sentences become several chunks, so no word goes
 * unlabelled in training or unpredicted at test time; decoding joins them again.
 */
export interface Chunk {
  /** index of the sentence in the list that was chunked */
  sentence: number;
  /** the chunk covers words [firstWord, firstWord + firstSubword.length) */
  firstWord: number;
  ids: Int32Array;
  /** per word of the chunk: the position of its first subword in ids, -1 when it has none */
  firstSubword: Int32Array;
  /** per layer, per position of ids: the tag index at first subwords, -1 elsewhere (training only) */
  labels?: Int32Array[];
}

export function chunkSentences(
  sentences: readonly Sentence[],
  tokenizer: BertTokenizer,
  maxSubwords: number,
  labelLayers?: readonly Label[],
): Chunk[] {
  const chunks: Chunk[] = [];
  const budget = maxSubwords - 2;
  sentences.forEach((sentence, index) => {
    const pieces = sentence.tokens.map((word) => tokenizer.tokenizeWord(word).map((t) => tokenizer.id(t)));
    const gold = labelLayers ? spansToLayers(sentence.spans, sentence.tokens.length) : undefined;
    let word = 0;
    do {
      const firstWord = word;
      const ids = [tokenizer.clsId];
      const firstSubword: number[] = [];
      while (word < pieces.length) {
        const piece = pieces[word];
        const room = budget - (ids.length - 1);
        if (piece.length > room && firstSubword.length > 0) break;
        firstSubword.push(piece.length > 0 ? ids.length : -1);
        ids.push(...piece.slice(0, room)); // a single word longer than the budget is cut
        word++;
      }
      ids.push(tokenizer.sepId);
      const chunk: Chunk = {
        sentence: index,
        firstWord,
        ids: Int32Array.from(ids),
        firstSubword: Int32Array.from(firstSubword),
      };
      if (labelLayers && gold) {
        chunk.labels = labelLayers.map((layer) => {
          const labels = new Int32Array(ids.length).fill(-1);
          firstSubword.forEach((position, w) => {
            if (position >= 0) labels[position] = tagIndex(gold[layer][firstWord + w]);
          });
          return labels;
        });
      }
      chunks.push(chunk);
    } while (word < pieces.length);
  });
  return chunks;
}
