import type { Argv } from 'yargs';
import { RESAMPLE_UNITS, type ResampleUnit } from '../../eval/resampling.ts';
import { scoreFiles } from '../../eval/score-files.ts';
import { formatScoreTable } from '../../eval/score-table.ts';
import { InputError } from '../../util/errors.ts';
import type { CommandBody } from './index.ts';

interface ScoreArgs {
  gold: string;
  pred: string;
  format: 'json' | 'table';
  bootstrap: number;
  seed: number;
  resample: ResampleUnit;
}

function nonNegativeInteger(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(`--${flag} must be a non-negative integer (got ${value})`);
  }
  return value;
}

/** `skillbench score`: all three protocols of a prediction file, as a table or one JSON object. */
export const scoreCommand: CommandBody<object, ScoreArgs> = {
  builder: (yargs) =>
    yargs
      .option('gold', {
        type: 'string',
        demandOption: true,
        describe: 'skillspan:train|dev|test, or a SkillSpan JSONL / CoNLL file',
      })
      .option('pred', {
        type: 'string',
        demandOption: true,
        describe: 'span JSONL (end inclusive) or BIO JSONL, one line per gold sentence',
      })
      .option('format', { choices: ['table', 'json'] as const, default: 'table' as const })
      .option('bootstrap', {
        type: 'number',
        default: 0,
        describe: 'bootstrap resamples for 95% confidence intervals of every F1 (0: none)',
      })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the bootstrap' })
      .option('resample', {
        choices: RESAMPLE_UNITS,
        default: 'sentence' as ResampleUnit,
        describe: 'bootstrap unit: sentences, or documents (runs of sentences sharing idx)',
      })
      .example('$0 score --gold skillspan:test --pred preds.jsonl', 'all protocols as tables')
      .example(
        '$0 score --gold skillspan:test --pred preds.jsonl --format json --bootstrap 1000',
        'JSON with CIs',
      ) as Argv<ScoreArgs>,
  handler: (args) => {
    const resamples = nonNegativeInteger(args.bootstrap, 'bootstrap');
    const seed = nonNegativeInteger(args.seed, 'seed');
    const report = scoreFiles(args.gold, args.pred, {
      bootstrap: resamples > 0 ? { resamples, seed, unit: args.resample } : undefined,
    });
    process.stdout.write(
      args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatScoreTable(report),
    );
  },
};
