import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadTokenizer } from '../../baselines/neural/tokenizers/load.ts';
import { parseSentencePieceModel } from '../../baselines/neural/tokenizers/sentencepiece-model.ts';
import { unigramFromSentencePiece } from '../../baselines/neural/tokenizers/unigram-tokenizer.ts';
import { InputError } from '../../harness/util/errors.ts';
import { projectPath } from '../../harness/util/paths.ts';

const FIXTURE = projectPath('fixtures/spm-skillspan');
const tokenizer = loadTokenizer(FIXTURE);

const expectedWords = JSON.parse(readFileSync(join(FIXTURE, 'expected_words.json'), 'utf8')) as {
  words: string[];
  ids: number[][];
  pieces: string[][];
};

test('spm.model is read as DeBERTa-v3 lays it out: [PAD] [CLS] [SEP] [UNK] pieces, [MASK] appended', (t) => {
  const model = parseSentencePieceModel(readFileSync(join(FIXTURE, 'spm.model')), 'spm.model');
  t.is(model.pieces.length, 4000);
  t.is(model.unkId, 3);
  t.is(model.normalizer.name, 'nmt_nfkc');
  t.true(model.normalizer.precompiledCharsmap.length > 0);
  t.deepEqual(
    ['[PAD]', '[CLS]', '[SEP]', '[UNK]', '[MASK]'].map((s) => tokenizer.id(s)),
    [0, 1, 2, 3, 4000],
  );
  t.deepEqual([tokenizer.padId, tokenizer.clsId, tokenizer.sepId, tokenizer.vocabSize], [0, 1, 2, 4001]);
});

test('every test-split word gives spm_encode pieces and ids (6,160 words, unknown characters included)', (t) => {
  let wrong = 0;
  const examples: string[] = [];
  expectedWords.words.forEach((word, i) => {
    const { tokens, ids } = tokenizer.pieces(word);
    if (
      ids.join(' ') !== expectedWords.ids[i].join(' ') ||
      tokens.join(' ') !== expectedWords.pieces[i].join(' ')
    ) {
      wrong++;
      if (examples.length < 5)
        examples.push(`${word}: ${tokens.join(' ')} / ${expectedWords.pieces[i].join(' ')}`);
    }
  });
  t.is(wrong, 0, examples.join('\n'));
});

test('every 20th assigned code point (and known awkward ones), inside a word and repeated, gives spm_encode ids', (t) => {
  const fixture = JSON.parse(readFileSync(join(FIXTURE, 'expected_code_points.json'), 'utf8')) as {
    code_points: number[];
    ids: string[];
  };
  const wrong: string[] = [];
  fixture.code_points.forEach((cp, i) => {
    const c = String.fromCodePoint(cp);
    [`x${c}y`, `${c}${c}a`].forEach((word, form) => {
      if (tokenizer.pieces(word).ids.join(' ') !== fixture.ids[2 * i + form])
        wrong.push(`U+${cp.toString(16)} form ${form}`);
    });
  });
  t.deepEqual(wrong.slice(0, 10), []);
  t.is(fixture.ids.length, 2 * fixture.code_points.length);
});

// spm_encode runs Viterbi over the whole sentence, Hugging Face (and we) word by word. The two
// differ only where two segmentations tie exactly and float rounding of the running score breaks
// the tie differently: one sentence of the test split ("on…" = "on...": "▁on . .." alone,
// "▁on .. ." inside the sentence). Word by word is what GLiNER's tokenizer does.
const SENTENCE_TIES = [2248];

test('every test sentence as pre-split words gives spm_encode ids of the whole sentence, word_ids in order', (t) => {
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected_sentences.json'), 'utf8')) as {
    sentence_ids: number[][];
  };
  const rows = readFileSync(projectPath('data/skillspan/test.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { tokens: string[] }).tokens);
  t.is(rows.length, expected.sentence_ids.length);
  const differing: number[] = [];
  let badWordIds = 0;
  rows.forEach((words, i) => {
    const encoding = tokenizer.encodeWords(words);
    if (encoding.ids.slice(1, -1).join(' ') !== expected.sentence_ids[i].join(' ')) differing.push(i);
    const wordIds = encoding.wordIds.slice(1, -1) as number[];
    if (wordIds.some((w, j) => j > 0 && w < wordIds[j - 1]) || new Set(wordIds).size !== words.length)
      badWordIds++;
  });
  t.deepEqual(differing, SENTENCE_TIES);
  t.is(badWordIds, 0);
  t.deepEqual(tokenizer.tokenizeWord('on…'), ['▁on', '.', '..']);
});

test("GLiNER's added tokens stay single ids in the prompt; each word gets the ▁ prefix", (t) => {
  const local = loadTokenizer(FIXTURE);
  t.is(local.addTokens(['[FLERT]', '<<ENT>>', '<<SEP>>']), 3);
  t.is(local.addTokens(['<<ENT>>', '[MASK]']), 0);
  t.deepEqual(
    ['[FLERT]', '<<ENT>>', '<<SEP>>'].map((s) => local.id(s)),
    [4001, 4002, 4003],
  );
  const encoding = local.encodeWords(['<<ENT>>', 'Skill', '<<ENT>>', 'Knowledge', '<<SEP>>', 'Java', '(']);
  const skill = local.pieces('Skill');
  t.is(skill.tokens[0][0], '▁');
  t.deepEqual(encoding.tokens, [
    '[CLS]',
    '<<ENT>>',
    ...skill.tokens,
    '<<ENT>>',
    ...local.tokenizeWord('Knowledge'),
    '<<SEP>>',
    ...local.tokenizeWord('Java'),
    ...local.tokenizeWord('('),
    '[SEP]',
  ]);
  t.deepEqual(encoding.ids.slice(0, 2), [1, 4002]);
  t.deepEqual(encoding.wordIds.slice(0, 3), [null, 0, 1]);
  t.is(encoding.wordIds.at(-1), null);
  // truncation keeps [CLS] and [SEP]
  const cut = local.encodeWords(['<<ENT>>', 'Skill', '<<SEP>>', 'Java'], { maxLength: 4 });
  t.deepEqual(cut.tokens, ['[CLS]', '<<ENT>>', skill.tokens[0], '[SEP]']);
});

test('a tokenizer.json (as transformers converts spm.model) and added_tokens.json load to the same tokenizer', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'unigram-'));
  const model = parseSentencePieceModel(readFileSync(join(FIXTURE, 'spm.model')), 'spm.model');
  // what transformers' DebertaV2Converter writes
  const parts = {
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Strip', strip_left: true, strip_right: true },
        {
          type: 'Precompiled',
          precompiled_charsmap: Buffer.from(model.normalizer.precompiledCharsmap).toString('base64'),
        },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: {
      type: 'Unigram',
      unk_id: 3,
      vocab: model.pieces.map((p) => [p.piece, p.score]),
      byte_fallback: false,
    },
  };
  const added = ['[PAD]', '[CLS]', '[SEP]', '[UNK]']
    .map((content, id) => ({ id, content, special: true }))
    .concat([
      { id: 4000, content: '[MASK]', special: true },
      { id: 4002, content: '<<ENT>>', special: false },
    ]);
  const template = {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]' } }, { Sequence: { id: 'A' } }, { SpecialToken: { id: '[SEP]' } }],
  };
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({ ...parts, added_tokens: added, post_processor: template, decoder: null }),
  );
  const fromJson = loadTokenizer(dir);
  const words = expectedWords.words.slice(0, 500);
  t.deepEqual(
    words.map((w) => fromJson.pieces(w).ids),
    words.map((w) => tokenizer.pieces(w).ids),
  );
  t.is(fromJson.id('<<ENT>>'), 4002);
  // a normalizer of another shape runs through @huggingface/tokenizers' own pipeline
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({ ...parts, normalizer: { type: 'NFKC' }, added_tokens: added, post_processor: template }),
  );
  const library = loadTokenizer(dir);
  t.deepEqual(
    words.map((w) => library.pieces(w).ids),
    words.map((w) => tokenizer.pieces(w).ids),
  );
  // spm.model plus the slow tokenizer's added_tokens.json: ids as recorded
  const slow = mkdtempSync(join(tmpdir(), 'unigram-slow-'));
  writeFileSync(join(slow, 'spm.model'), readFileSync(join(FIXTURE, 'spm.model')));
  writeFileSync(
    join(slow, 'added_tokens.json'),
    JSON.stringify({ '[MASK]': 4000, '[FLERT]': 4001, '<<ENT>>': 4002, '<<SEP>>': 4003 }),
  );
  const fromSpm = loadTokenizer(slow);
  t.deepEqual(
    ['[MASK]', '[FLERT]', '<<ENT>>', '<<SEP>>'].map((s) => fromSpm.id(s)),
    [4000, 4001, 4002, 4003],
  );
  t.is(fromSpm.vocabSize, 4004);
});

test('a folder without a tokenizer, or a BPE SentencePiece model, is refused with what is wrong', (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'none-'));
  t.throws(() => loadTokenizer(empty), {
    instanceOf: InputError,
    message: /no tokenizer\.json, spm\.model or vocab\.txt/,
  });
  const model = parseSentencePieceModel(readFileSync(join(FIXTURE, 'spm.model')), 'spm.model');
  t.throws(() => unigramFromSentencePiece({ ...model, modelType: 2 }, 'bpe.model'), {
    message: /model_type 2 is not Unigram/,
  });
  t.throws(() => parseSentencePieceModel(new Uint8Array([0x0a, 0x50, 0x01]), 'bad.model'), {
    instanceOf: InputError,
    message: /not a SentencePiece model/,
  });
});

const spmEncode = spawnSync('spm_encode', ['--help'], { encoding: 'utf8' });
const haveSpm = !spmEncode.error;

// Runs only where Debian's sentencepiece is installed: the same words through spm_encode itself.
const spmTitle = 'spm_encode agrees on test words and awkward ones';
(haveSpm ? test : test.skip)(haveSpm ? spmTitle : `${spmTitle} (skipped: spm_encode not installed)`, (t) => {
  const words = [
    ...expectedWords.words.slice(0, 300),
    'ＡＢＣ１２３',
    'naïve',
    'e\u0301cole',
    'x\u00a0y',
    '%%%',
    '€€x',
    '²³',
    'ﬁle',
  ];
  const run = spawnSync('spm_encode', [`--model=${join(FIXTURE, 'spm.model')}`, '--output_format=id'], {
    input: `${words.join('\n')}\n`,
    encoding: 'utf8',
  });
  const lines = run.stdout.split('\n');
  words.forEach((word, i) => {
    t.is(tokenizer.pieces(word).ids.join(' '), lines[i], word);
  });
});
