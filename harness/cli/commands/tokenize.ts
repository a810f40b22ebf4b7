import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv } from 'yargs';
import { z } from 'zod';
import { readJsonFile } from '../../../baselines/neural/hf/checkpoint.ts';
import { loadTokenizer } from '../../../baselines/neural/tokenizers/load.ts';
import { InputError } from '../../util/errors.ts';
import type { CommandBody } from './index.ts';

interface TokenizeArgs {
  tokenizer: string;
  input: string;
  out: string;
  'max-length'?: number;
}

const inputSchema = z.object({ words: z.array(z.array(z.string())) });

/**
 * `skillbench tokenize --tokenizer DIR --input FILE --out FILE`: encodes pre-split sentences
 * ({"words": [["w1", ...], ...]}) with a folder's WordPiece tokenizer and writes
 * {"encodings": [{"ids", "tokens", "word_ids"}]} (word_ids null for [CLS] / [SEP]).
 */
export const tokenizeCommand: CommandBody<object, TokenizeArgs> = {
  builder: (yargs) =>
    yargs
      .option('tokenizer', {
        type: 'string',
        demandOption: true,
        describe: 'folder with tokenizer.json, spm.model (SentencePiece Unigram, DeBERTa-v3) or vocab.txt',
      })
      .option('input', { type: 'string', demandOption: true, describe: 'JSON {"words": [["w1", ...], ...]}' })
      .option('out', { type: 'string', demandOption: true, describe: 'where to write the encodings (JSON)' })
      .option('max-length', {
        type: 'number',
        describe: 'truncate to this many tokens, [CLS] and [SEP] included',
      }) as Argv<TokenizeArgs>,
  handler: (args) => {
    const tokenizer = loadTokenizer(args.tokenizer);
    const parsed = inputSchema.safeParse(readJsonFile(args.input));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${issue.path.join('.') || 'input'}: ${issue.message}`, args.input);
    }
    const maxLength = args['max-length'];
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 3)) {
      throw new InputError('--max-length must be an integer of at least 3');
    }
    const encodings = parsed.data.words.map((words) => {
      const encoding = tokenizer.encodeWords(words, maxLength ? { maxLength } : {});
      return { ids: encoding.ids, tokens: encoding.tokens, word_ids: encoding.wordIds };
    });
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify({ encodings }));
  },
};
