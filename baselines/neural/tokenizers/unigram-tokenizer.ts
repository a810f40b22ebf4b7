import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../../harness/util/errors.ts';
import { PieceType, type SentencePieceModel } from './sentencepiece-model.ts';
import {
  AddedVocabulary,
  type EncodeOptions,
  type Encoding,
  encodePreSplit,
  type WordPieces,
  type WordTokenizer,
} from './word-tokenizer.ts';

/** The parts of a tokenizer.json that describe a Unigram tokenizer (model, normalizer, pre-tokenizer). */
export interface UnigramTokenizerJson {
  normalizer: unknown;
  pre_tokenizer: unknown;
  model: { type: 'Unigram'; unk_id: number | null; vocab: [string, number][]; byte_fallback?: boolean };
}

export interface UnigramTokenizerOptions {
  json: UnigramTokenizerJson;
  /** added tokens (specials included) by content, with their ids */
  addedTokens: Map<string, number>;
  clsToken: string;
  sepToken: string;
  padToken: string;
  unkToken: string;
}

/**
 * A SentencePiece Unigram tokenizer (DeBERTa-v2/v3) for pre-split words. Added tokens are split
 * out first (word-tokenizer.ts); the rest of each word goes through @huggingface/tokenizers'
 * normalizer, Metaspace pre-tokenizer and Unigram model, without its post-processor.
 * Unknown characters keep their surface form as the token and get the unk id, consecutive ones
 * fused into one piece, as SentencePiece and Hugging Face do.
 */
export class UnigramTokenizer implements WordTokenizer {
  private readonly inner: Tokenizer;
  private readonly vocab: Map<string, number>;
  private readonly idToToken: string[];
  private readonly added: AddedVocabulary;
  readonly unkId: number;

  constructor(readonly options: UnigramTokenizerOptions) {
    const { model } = options.json;
    if (model.byte_fallback) throw new Error('Unigram byte_fallback is not supported');
    this.inner = new Tokenizer(
      {
        normalizer: options.json.normalizer,
        pre_tokenizer: options.json.pre_tokenizer,
        model: { ...model, vocab: model.vocab },
        post_processor: null,
        decoder: null,
        added_tokens: [],
      },
      {},
    );
    this.idToToken = model.vocab.map(([piece]) => piece);
    this.vocab = new Map(this.idToToken.map((piece, id) => [piece, id]));
    for (const [token, id] of options.addedTokens) this.idToToken[id] = token;
    this.added = new AddedVocabulary(options.addedTokens);
    this.unkId = model.unk_id ?? this.id(options.unkToken);
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
    return this.added.get(token) !== undefined || this.vocab.has(token);
  }

  id(token: string): number {
    const id = this.added.get(token) ?? this.vocab.get(token);
    if (id === undefined) throw new Error(`token ${token} is not in the vocabulary`);
    return id;
  }

  token(id: number): string {
    return this.idToToken[id] ?? this.options.unkToken;
  }

  pieces(word: string): WordPieces {
    const result: WordPieces = { tokens: [], ids: [] };
    for (const part of this.added.split(word)) {
      if (part.added) {
        result.tokens.push(part.text);
        result.ids.push(this.id(part.text));
        continue;
      }
      const encoded = this.inner.encode(part.text, { add_special_tokens: false });
      result.tokens.push(...encoded.tokens);
      result.ids.push(...encoded.ids);
    }
    return result;
  }

  tokenizeWord(word: string): string[] {
    return this.pieces(word).tokens;
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

/** Options of transformers' DebertaV2Tokenizer that change the converted pipeline. */
export interface SpmConversionOptions {
  doLowerCase?: boolean;
  splitByPunct?: boolean;
}

/**
 * The tokenizer.json parts transformers' DebertaV2Converter builds from spm.model: normalizer
 * [Lowercase] + Strip + Precompiled(charsmap) + Replace(" {2,}" -> " "), pre-tokenizer
 * [Punctuation] + Metaspace("▁", prepend always), model Unigram over the pieces in file order.
 */
export function unigramJsonFromSentencePiece(
  model: SentencePieceModel,
  source: string,
  options: SpmConversionOptions = {},
): UnigramTokenizerJson {
  if (model.modelType !== 1)
    throw new InputError(`SentencePiece model_type ${model.modelType} is not Unigram (1)`, source);
  if (model.byteFallback) throw new InputError('SentencePiece byte_fallback is not supported', source);
  if (model.pieces[model.unkId]?.type !== PieceType.UNKNOWN)
    throw new InputError(`piece ${model.unkId} (unk_id) is not the unknown piece`, source);
  const charsmap = model.normalizer.precompiledCharsmap;
  const normalizers: unknown[] = [
    ...(options.doLowerCase ? [{ type: 'Lowercase' }] : []),
    { type: 'Strip', strip_left: true, strip_right: true },
    ...(charsmap.length > 0
      ? [{ type: 'Precompiled', precompiled_charsmap: Buffer.from(charsmap).toString('base64') }]
      : []),
    { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
  ];
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: options.splitByPunct
      ? { type: 'Sequence', pretokenizers: [{ type: 'Punctuation', behavior: 'Isolated' }, metaspace] }
      : metaspace,
    model: {
      type: 'Unigram',
      unk_id: model.unkId,
      vocab: model.pieces.map((p) => [p.piece, p.score]),
      byte_fallback: false,
    },
  };
}
