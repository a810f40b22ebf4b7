import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../harness/util/errors.ts';
import { readJsonFile } from '../hf/checkpoint.ts';
import { BertTokenizer } from './bert-tokenizer.ts';

export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
  'special_tokens_map.json',
];

/**
 * A BERT WordPiece tokenizer from a Hugging Face folder: tokenizer.json when present (the fast
 * tokenizer's full description), else vocab.txt with tokenizer_config.json (the slow
 * BertTokenizer's settings; like transformers, do_lower_case defaults to true).
 */
export function loadBertTokenizer(dir: string): BertTokenizer {
  if (existsSync(join(dir, 'tokenizer.json'))) return fromTokenizerJson(join(dir, 'tokenizer.json'));
  if (existsSync(join(dir, 'vocab.txt'))) return fromVocabTxt(dir);
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
    vocab: Record<string, number>;
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
    vocab: new Map(Object.entries(json.model.vocab)),
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

interface TokenizerConfigJson {
  do_lower_case?: boolean;
  strip_accents?: boolean | null;
  tokenize_chinese_chars?: boolean;
  unk_token?: string;
  cls_token?: string;
  sep_token?: string;
  pad_token?: string;
  mask_token?: string;
}

function fromVocabTxt(dir: string): BertTokenizer {
  const configPath = join(dir, 'tokenizer_config.json');
  const config = (existsSync(configPath) ? readJsonFile(configPath) : {}) as TokenizerConfigJson;
  const vocab = new Map<string, number>();
  const lines = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, id) => {
    const token = line.replace(/\r$/, '');
    if (!vocab.has(token)) vocab.set(token, id);
  });
  const specials = [
    config.unk_token ?? '[UNK]',
    config.sep_token ?? '[SEP]',
    config.pad_token ?? '[PAD]',
    config.cls_token ?? '[CLS]',
    config.mask_token ?? '[MASK]',
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
