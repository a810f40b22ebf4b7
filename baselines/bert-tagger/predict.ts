import type { BioLayers, Label, Prediction, Sentence } from '../../harness/data/types.ts';
import { LABELS } from '../../harness/data/types.ts';
import { layersToSpans } from '../../harness/spans/bio.ts';
import { bucketBatches } from './batches.ts';
import { chunkSentences } from './chunks.ts';
import type { BertTagger } from './tagger-model.ts';
import { TAG_COUNT } from './tags.ts';
import { viterbiBio } from './viterbi.ts';

/**
 * Tags sentences: chunks them to the encoder's length, runs length-sorted batches, gathers each
 * word's scores at its first subword, and once all chunks of a sentence are in, decodes every
 * layer with the BIO-valid Viterbi. Yields each sentence's Prediction as soon as it is complete.
 * Layers the tagger was not trained on are all O.
 */
export async function* predictSentences(
  tagger: BertTagger,
  sentences: readonly Sentence[],
  batchSize: number,
  signal?: AbortSignal,
): AsyncGenerator<Prediction> {
  const chunks = chunkSentences(sentences, tagger.tokenizer, tagger.settings.maxSubwords);
  const pendingChunks = new Int32Array(sentences.length);
  for (const chunk of chunks) pendingChunks[chunk.sentence]++;
  const layers = tagger.settings.layers;
  const scores = sentences.map((s) => layers.map(() => new Float32Array(s.tokens.length * TAG_COUNT)));
  for (const batch of bucketBatches(chunks, batchSize)) {
    signal?.throwIfAborted();
    const batchScores = await tagger.wordScores(batch);
    for (let c = 0; c < batch.length; c++) {
      const chunk = batch[c];
      for (let j = 0; j < layers.length; j++) {
        scores[chunk.sentence][j].set(batchScores[c][j], chunk.firstWord * TAG_COUNT);
      }
      if (--pendingChunks[chunk.sentence] === 0) {
        yield decodeSentence(sentences[chunk.sentence], layers, scores[chunk.sentence]);
      }
    }
  }
}

export function decodeSentence(
  sentence: Sentence,
  layers: readonly Label[],
  scores: Float32Array[],
): Prediction {
  const words = sentence.tokens.length;
  const bio = {} as BioLayers;
  for (const label of LABELS) {
    const j = layers.indexOf(label);
    bio[label] = j >= 0 ? viterbiBio(scores[j], words) : new Array(words).fill('O');
  }
  return { id: sentence.id, spans: layersToSpans(bio), bio };
}
