import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../../harness/util/errors.ts';
import { PieceType, type SentencePieceModel } from './sentencepiece-model.ts';
import { SentencePieceNormalizer } from './sentencepiece-normalizer.ts';
import { UnigramModel } from './unigram-viterbi.ts';
import { PreSplitTokenizer, type WordPieces } from './word-tokenizer.ts';

/** The parts of a tokenizer.json that describe a Unigram tokenizer (model, normalizer, pre-tokenizer). */
export interface UnigramTokenizerJson {
  normalizer: unknown;
  pre_tokenizer: unknown;
  model: { type: 'Unigram'; unk_id: number | null; vocab: [string, number][]; byte_fallback?: boolean };
}

export interface UnigramTokenizerOptions {
  json: UnigramTokenizerJson;
  /**
   * SentencePiece's own normalisation (sentencepiece-normalizer.ts: the string the model
   * segments, "▁" prefix included). When given, it and our SentencePiece Viterbi
   * (unigram-viterbi.ts) replace the json's normalizer and pre-tokenizer; without it
   * @huggingface/tokenizers runs the json's whole pipeline (normalizer, pre-tokenizer, model).
   */
  normalize?: (text: string) => string;
  /** pieces the text may never match (SentencePiece's control, unknown and unused pieces) */
  unmatchable?: ReadonlySet<number>;
  /** added tokens (specials included) by content, with their ids */
  addedTokens: Map<string, number>;
  clsToken: string;
  sepToken: string;
  padToken: string;
  unkToken: string;
}

/**
 * A SentencePiece Unigram tokenizer (DeBERTa-v2/v3) for pre-split words. Added tokens are split
 * out first (word-tokenizer.ts); the rest of each word is normalised by SentencePiece's charsmap
 * normaliser and segmented by SentencePiece's Viterbi (both our own, equal to spm_encode), or,
 * for a tokenizer.json of another shape, by @huggingface/tokenizers' pipeline.
 * Unknown characters keep their surface form as the token and get the unk id, consecutive ones
 * fused into one piece, as SentencePiece and Hugging Face do.
 */
export class UnigramTokenizer extends PreSplitTokenizer {
  private readonly segmentText: (text: string) => WordPieces;
  readonly unkId: number;

  constructor(readonly options: UnigramTokenizerOptions) {
    const { model } = options.json;
    super(new Map(model.vocab.map(([piece], id) => [piece, id])), options.addedTokens, {
      cls: options.clsToken,
      sep: options.sepToken,
      pad: options.padToken,
      unk: options.unkToken,
    });
    if (model.byte_fallback) throw new Error('Unigram byte_fallback is not supported');
    this.unkId = model.unk_id ?? this.id(options.unkToken);
    const { normalize } = options;
    if (normalize) {
      const unmatchable = options.unmatchable ?? new Set([this.unkId]);
      const viterbi = new UnigramModel(model.vocab, this.unkId, (id) => !unmatchable.has(id));
      this.segmentText = (text) => {
        const normalized = normalize(text);
        return normalized ? viterbi.encode(normalized) : { tokens: [], ids: [] };
      };
    } else {
      const library = new Tokenizer(
        {
          normalizer: options.json.normalizer,
          pre_tokenizer: options.json.pre_tokenizer,
          model,
          post_processor: null,
          decoder: null,
          added_tokens: [],
        },
        {},
      );
      this.segmentText = (text) => {
        const { tokens, ids } = library.encode(text, { add_special_tokens: false });
        return { tokens, ids };
      };
    }
  }

  protected segment(text: string): WordPieces {
    return this.segmentText(text);
  }
}

/** Options of transformers' DebertaV2Tokenizer that change the converted pipeline. */
export interface SpmConversionOptions {
  doLowerCase?: boolean;
}

/**
 * The Unigram model of spm.model and the normalisation spm_encode applies, as transformers'
 * DebertaV2Converter pipeline amounts to for pre-split words: [lower-case], the precompiled
 * charsmap, whitespace cleaned and escaped as "▁", a "▁" prefix on every word.
 */
export function unigramFromSentencePiece(
  model: SentencePieceModel,
  source: string,
  options: SpmConversionOptions = {},
): Pick<UnigramTokenizerOptions, 'json' | 'normalize' | 'unmatchable'> {
  if (model.modelType !== 1)
    throw new InputError(`SentencePiece model_type ${model.modelType} is not Unigram (1)`, source);
  if (model.byteFallback) throw new InputError('SentencePiece byte_fallback is not supported', source);
  if (model.pieces[model.unkId]?.type !== PieceType.UNKNOWN)
    throw new InputError(`piece ${model.unkId} (unk_id) is not the unknown piece`, source);
  const normalizer = new SentencePieceNormalizer(model.normalizer.precompiledCharsmap, model.normalizer);
  return {
    json: {
      normalizer: null,
      pre_tokenizer: null,
      model: {
        type: 'Unigram',
        unk_id: model.unkId,
        vocab: model.pieces.map((p) => [p.piece, p.score]),
        byte_fallback: false,
      },
    },
    normalize: options.doLowerCase
      ? (text) => normalizer.normalize(text.toLowerCase())
      : (text) => normalizer.normalize(text),
    unmatchable: new Set(
      model.pieces.flatMap((p, id) =>
        p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED ? [] : [id],
      ),
    ),
  };
}

/**
 * A tokenizer.json normalizer of the DebertaV2Converter shape ([Lowercase,] Strip,
 * Precompiled(charsmap), Replace(" {2,}" -> " ")) with a Metaspace pre-tokenizer, as
 * SentencePiece's normalisation; undefined for anything else (left to @huggingface/tokenizers).
 */
export function sentencePieceNormalization(
  json: UnigramTokenizerJson,
): ((text: string) => string) | undefined {
  type Step = {
    type?: string;
    precompiled_charsmap?: string;
    pattern?: { Regex?: string };
    content?: string;
  };
  const normalizer = json.normalizer as { type?: string; normalizers?: Step[] } | null;
  const steps: Step[] =
    normalizer?.type === 'Sequence' ? (normalizer.normalizers ?? []) : normalizer ? [normalizer] : [];
  const precompiled = steps.find((step) => step.type === 'Precompiled');
  const known = steps.every(
    (step) =>
      step.type === 'Lowercase' ||
      step.type === 'Strip' ||
      step.type === 'Precompiled' ||
      (step.type === 'Replace' && step.pattern?.Regex === ' {2,}' && step.content === ' '),
  );
  const pre = json.pre_tokenizer as {
    type?: string;
    prepend_scheme?: string;
    add_prefix_space?: boolean;
  } | null;
  const metaspace =
    pre?.type === 'Metaspace' && pre.prepend_scheme !== 'never' && pre.add_prefix_space !== false;
  if (!precompiled?.precompiled_charsmap || !known || !metaspace) return undefined;
  const normalizer2 = new SentencePieceNormalizer(Buffer.from(precompiled.precompiled_charsmap, 'base64'), {
    name: 'tokenizer.json',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  });
  const lowercase = steps.some((step) => step.type === 'Lowercase');
  return (text) => normalizer2.normalize(lowercase ? text.toLowerCase() : text);
}
