import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../harness/util/errors.ts';
import { readJsonFile } from '../hf/checkpoint.ts';
import { BertTokenizer } from './bert-tokenizer.ts';
import { PieceType, parseSentencePieceModel } from './sentencepiece-model.ts';
import {
  sentencePieceNormalization,
  UnigramTokenizer,
  type UnigramTokenizerJson,
  unigramFromSentencePiece,
} from './unigram-tokenizer.ts';
import type { WordTokenizer } from './word-tokenizer.ts';

export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
  'spm.model',
  'added_tokens.json',
  'special_tokens_map.json',
];

/**
 * The tokenizer of a Hugging Face folder, whatever its kind: tokenizer.json (WordPiece or
 * Unigram), else spm.model (SentencePiece Unigram, converted as transformers converts
 * DeBERTa-v2/v3's), else vocab.txt (BERT WordPiece).
 */
export function loadTokenizer(dir: string): WordTokenizer {
  const jsonPath = join(dir, 'tokenizer.json');
  if (existsSync(jsonPath)) {
    const json = readJsonFile(jsonPath) as TokenizerJson;
    return json.model?.type === 'Unigram' ? unigramFromTokenizerJson(json, dir) : fromTokenizerJson(jsonPath);
  }
  if (existsSync(join(dir, 'spm.model'))) return unigramFromSpmFolder(dir);
  if (existsSync(join(dir, 'vocab.txt'))) return fromVocabTxt(dir);
  throw new InputError('no tokenizer.json, spm.model or vocab.txt', dir);
}

/**
 * A BERT WordPiece tokenizer from a Hugging Face folder: tokenizer.json when present (the fast
 * tokenizer's full description), else vocab.txt with tokenizer_config.json (the slow
 * BertTokenizer's settings; like transformers, do_lower_case defaults to true).
 */
export function loadBertTokenizer(dir: string): BertTokenizer {
  if (existsSync(join(dir, 'tokenizer.json'))) return fromTokenizerJson(join(dir, 'tokenizer.json'));
  if (existsSync(join(dir, 'vocab.txt'))) return fromVocabTxt(dir);
  if (existsSync(join(dir, 'spm.model'))) {
    throw new InputError('has a SentencePiece tokenizer (spm.model), not BERT WordPiece', dir);
  }
  throw new InputError('no tokenizer.json or vocab.txt', dir);
}

/** Copies whichever tokenizer files dir has into target (for a saved model folder). */
export function copyTokenizerFiles(dir: string, target: string): void {
  for (const file of TOKENIZER_FILES)
    if (existsSync(join(dir, file))) copyFileSync(join(dir, file), join(target, file));
}

interface TokenizerJson {
  normalizer?: {
    type: string;
    clean_text?: boolean;
    handle_chinese_chars?: boolean;
    strip_accents?: boolean | null;
    lowercase?: boolean;
  } | null;
  pre_tokenizer?: { type: string } | null;
  model: {
    type: string;
    vocab: Record<string, number> | [string, number][];
    unk_id?: number | null;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
  };
  post_processor?: {
    type: string;
    cls?: [string, number];
    sep?: [string, number];
    single?: ({ SpecialToken?: { id: string } } | { Sequence?: { id: string } })[];
  } | null;
  added_tokens?: { id: number; content: string }[];
}

function unigramFromTokenizerJson(json: TokenizerJson, dir: string): UnigramTokenizer {
  const path = join(dir, 'tokenizer.json');
  const fail = (what: string) => new InputError(`unsupported tokenizer: ${what}`, path);
  if (!Array.isArray(json.model.vocab)) throw fail('Unigram vocab is not a list of [piece, score]');
  const { cls, sep } = templateSpecials(json.post_processor, fail);
  const config = readTokenizerConfig(dir);
  const unkId = json.model.unk_id ?? null;
  const unigram: UnigramTokenizerJson = {
    normalizer: json.normalizer ?? null,
    pre_tokenizer: json.pre_tokenizer ?? null,
    model: json.model as UnigramTokenizerJson['model'],
  };
  return new UnigramTokenizer({
    json: unigram,
    normalize: sentencePieceNormalization(unigram),
    addedTokens: new Map((json.added_tokens ?? []).map((t) => [t.content, t.id])),
    clsToken: cls,
    sepToken: sep,
    padToken: special(config.pad_token, '[PAD]'),
    unkToken: unkId === null ? special(config.unk_token, '[UNK]') : json.model.vocab[unkId][0],
  });
}

/**
 * spm.model with tokenizer_config.json as transformers' DebertaV2Tokenizer(Fast) reads them:
 * the special tokens ([PAD] [CLS] [SEP] [UNK] are pieces of DeBERTa-v3's model, [MASK] is
 * appended after the pieces), SentencePiece's user-defined pieces, and tokens added later
 * (added_tokens_decoder in tokenizer_config.json, or added_tokens.json) at their recorded ids.
 */
function unigramFromSpmFolder(dir: string): UnigramTokenizer {
  const path = join(dir, 'spm.model');
  const model = parseSentencePieceModel(readFileSync(path), path);
  const config = readTokenizerConfig(dir);
  if (config.split_by_punct)
    throw new InputError('split_by_punct is not supported (DeBERTa-v3 does not use it)', dir);
  const pipeline = unigramFromSentencePiece(model, path, { doLowerCase: config.do_lower_case ?? false });
  const pieceIds = new Map(model.pieces.map((p, id) => [p.piece, id]));
  const added = new Map<string, number>();
  let next = model.pieces.length;
  const add = (token: string, id?: number) => {
    if (added.has(token)) return;
    const at = id ?? pieceIds.get(token) ?? next;
    if (id !== undefined && pieceIds.has(token) && pieceIds.get(token) !== id)
      throw new InputError(`added token ${token} has id ${id} but is piece ${pieceIds.get(token)}`, dir);
    added.set(token, at);
    next = Math.max(next, at + 1);
  };
  for (const p of model.pieces) if (p.type === PieceType.USER_DEFINED) add(p.piece);
  const specials = {
    bos: special(config.bos_token, '[CLS]'),
    eos: special(config.eos_token, '[SEP]'),
    unk: special(config.unk_token, '[UNK]'),
    sep: special(config.sep_token, '[SEP]'),
    pad: special(config.pad_token, '[PAD]'),
    cls: special(config.cls_token, '[CLS]'),
    mask: special(config.mask_token, '[MASK]'),
  };
  const recorded = new Map<number, string>();
  for (const [id, token] of Object.entries(config.added_tokens_decoder ?? {}))
    recorded.set(Number(id), token.content);
  const addedJson = join(dir, 'added_tokens.json');
  if (existsSync(addedJson)) {
    for (const [token, id] of Object.entries(readJsonFile(addedJson) as Record<string, number>))
      recorded.set(id, token);
  }
  // specials in the order transformers registers them, then the recorded ones by id
  for (const token of Object.values(specials)) if (![...recorded.values()].includes(token)) add(token);
  for (const [id, token] of [...recorded].sort((a, b) => a[0] - b[0])) add(token, id);
  return new UnigramTokenizer({
    ...pipeline,
    addedTokens: added,
    clsToken: specials.cls,
    sepToken: specials.sep,
    padToken: specials.pad,
    unkToken: specials.unk,
  });
}

/** A special token of tokenizer_config.json (a string or an AddedToken object), or the default. */
function special(value: SpecialToken | undefined, fallback: string): string {
  return (typeof value === 'object' ? value.content : value) ?? fallback;
}

function readTokenizerConfig(dir: string): TokenizerConfigJson {
  const path = join(dir, 'tokenizer_config.json');
  return (existsSync(path) ? readJsonFile(path) : {}) as TokenizerConfigJson;
}

function fromTokenizerJson(path: string): BertTokenizer {
  const json = readJsonFile(path) as TokenizerJson;
  const fail = (what: string) =>
    new InputError(`unsupported tokenizer: ${what} (only BERT WordPiece is implemented)`, path);
  if (json.model?.type !== 'WordPiece') throw fail(`model ${json.model?.type}`);
  const normalizer = json.normalizer;
  if (normalizer && normalizer.type !== 'BertNormalizer') throw fail(`normalizer ${normalizer.type}`);
  if (json.pre_tokenizer && json.pre_tokenizer.type !== 'BertPreTokenizer') {
    throw fail(`pre_tokenizer ${json.pre_tokenizer.type}`);
  }
  const { cls, sep } = templateSpecials(json.post_processor, fail);
  return new BertTokenizer({
    vocab: new Map(Object.entries(json.model.vocab as Record<string, number>)),
    unkToken: json.model.unk_token ?? '[UNK]',
    continuingSubwordPrefix: json.model.continuing_subword_prefix ?? '##',
    maxInputCharsPerWord: json.model.max_input_chars_per_word ?? 100,
    normalizer: {
      cleanText: normalizer?.clean_text ?? false,
      handleChineseChars: normalizer?.handle_chinese_chars ?? false,
      stripAccents: normalizer ? (normalizer.strip_accents ?? null) : false,
      lowercase: normalizer?.lowercase ?? false,
    },
    clsToken: cls,
    sepToken: sep,
    padToken: '[PAD]',
    addedTokens: new Map((json.added_tokens ?? []).map((t) => [t.content, t.id])),
  });
}

/** [CLS] and [SEP] from a BertProcessing or a TemplateProcessing of the form `X $A Y`. */
function templateSpecials(
  post: TokenizerJson['post_processor'],
  fail: (what: string) => InputError,
): { cls: string; sep: string } {
  if (!post) return { cls: '[CLS]', sep: '[SEP]' };
  if (post.type === 'BertProcessing' && post.cls && post.sep) return { cls: post.cls[0], sep: post.sep[0] };
  if (post.type === 'TemplateProcessing' && post.single) {
    const ids = post.single.map((item) => ('SpecialToken' in item ? item.SpecialToken?.id : '$A'));
    if (ids.length === 3 && ids[1] === '$A' && ids[0] && ids[2]) return { cls: ids[0], sep: ids[2] };
    throw fail(`template ${ids.join(' ')}`);
  }
  throw fail(`post_processor ${post.type}`);
}

type SpecialToken = string | { content: string };

interface TokenizerConfigJson {
  do_lower_case?: boolean;
  strip_accents?: boolean | null;
  tokenize_chinese_chars?: boolean;
  split_by_punct?: boolean;
  bos_token?: SpecialToken;
  eos_token?: SpecialToken;
  unk_token?: SpecialToken;
  cls_token?: SpecialToken;
  sep_token?: SpecialToken;
  pad_token?: SpecialToken;
  mask_token?: SpecialToken;
  added_tokens_decoder?: Record<string, { content: string }>;
}

function fromVocabTxt(dir: string): BertTokenizer {
  const config = readTokenizerConfig(dir);
  const vocab = new Map<string, number>();
  const lines = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, id) => {
    const token = line.replace(/\r$/, '');
    if (!vocab.has(token)) vocab.set(token, id);
  });
  const specials = [
    special(config.unk_token, '[UNK]'),
    special(config.sep_token, '[SEP]'),
    special(config.pad_token, '[PAD]'),
    special(config.cls_token, '[CLS]'),
    special(config.mask_token, '[MASK]'),
  ];
  const lowercase = config.do_lower_case ?? true;
  return new BertTokenizer({
    vocab,
    unkToken: specials[0],
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
    normalizer: {
      cleanText: true,
      handleChineseChars: config.tokenize_chinese_chars ?? true,
      stripAccents: config.strip_accents ?? null,
      lowercase,
    },
    clsToken: specials[3],
    sepToken: specials[1],
    padToken: specials[2],
    addedTokens: new Map(specials.filter((t) => vocab.has(t)).map((t) => [t, vocab.get(t)!])),
  });
}
