import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bertNormalize } from '../../baselines/neural/tokenizers/bert-normalizer.ts';
import { bertPreTokenize } from '../../baselines/neural/tokenizers/bert-pre-tokenizer.ts';
import type { BertTokenizer } from '../../baselines/neural/tokenizers/bert-tokenizer.ts';
import { loadBertTokenizer } from '../../baselines/neural/tokenizers/load.ts';
import { projectPath } from '../../harness/util/paths.ts';

const FIXTURE = projectPath('fixtures/hf-reference/tokenizer');

interface Expected {
  words: string[];
  input_ids: number[];
  tokens: string[];
  word_ids: (number | null)[];
}
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected_encodings.json'), 'utf8')) as Expected[];

function matchesHuggingFace(t: import('ava').ExecutionContext, tokenizer: BertTokenizer) {
  t.is(expected.length, 48);
  for (const e of expected) {
    const encoding = tokenizer.encodeWords(e.words);
    t.deepEqual(
      { ids: encoding.ids, tokens: encoding.tokens, wordIds: encoding.wordIds },
      { ids: e.input_ids, tokens: e.tokens, wordIds: e.word_ids },
      e.words.join(' '),
    );
  }
}

test('tokenizer.json gives exactly the ids, tokens and word_ids of Hugging Face tokenizers', (t) => {
  matchesHuggingFace(t, loadBertTokenizer(FIXTURE));
});

test('vocab.txt + tokenizer_config.json gives the same encodings', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vocab-'));
  copyFileSync(join(FIXTURE, 'vocab.txt'), join(dir, 'vocab.txt'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false }));
  matchesHuggingFace(t, loadBertTokenizer(dir));
});

test('BertNormalizer: control characters, whitespace, CJK padding, accents, lowercase', (t) => {
  const cased = { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false };
  t.is(bertNormalize('a\u0000b\ufffdc\u200bd\te\u00a0f', cased), 'abcd e f');
  t.is(bertNormalize('日本語x', cased), ' 日  本  語 x');
  t.is(bertNormalize('Crème', cased), 'Crème');
  const uncased = { ...cased, stripAccents: null, lowercase: true };
  t.is(bertNormalize('Crème BRÛLÉE', uncased), 'creme brulee');
  // per character, as Rust's char::to_lowercase: a final capital sigma stays σ
  t.is(bertNormalize('ΟΔΟΣ', uncased), 'οδοσ');
});

test('BertPreTokenizer splits whitespace and every punctuation mark, ASCII symbols included', (t) => {
  t.deepEqual(bertPreTokenize('C++/Java, 2021-03 <b>£5'), [
    'C',
    '+',
    '+',
    '/',
    'Java',
    ',',
    '2021',
    '-',
    '03',
    '<',
    'b',
    '>',
    '£5',
  ]);
  t.deepEqual(bertPreTokenize('«quoted»…'), ['«', 'quoted', '»', '…']);
});

test('words past max_input_chars_per_word and unmatchable words become [UNK]; truncation keeps [SEP]', (t) => {
  const tokenizer = loadBertTokenizer(FIXTURE);
  t.deepEqual(tokenizer.tokenizeWord('a'.repeat(101)), ['[UNK]']);
  t.deepEqual(tokenizer.tokenizeWord('☃'), ['[UNK]']);
  const encoding = tokenizer.encodeWords(['Software', 'Engineer', 'JavaScript', 'Java'], { maxLength: 4 });
  t.deepEqual(encoding.tokens, ['[CLS]', 'Software', 'Engineer', '[SEP]']);
  t.deepEqual(encoding.wordIds, [null, 0, 1, null]);
});

test('special tokens in the text are matched before normalisation', (t) => {
  const tokenizer = loadBertTokenizer(FIXTURE);
  t.deepEqual(tokenizer.tokenizeWord('Java[SEP]Java'), ['Java', '[SEP]', 'Java']);
  t.deepEqual(tokenizer.encodeWords([]).tokens, ['[CLS]', '[SEP]']);
});
