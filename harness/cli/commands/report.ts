import type { Argv } from 'yargs';
import { RESAMPLE_UNITS, type ResampleUnit } from '../../eval/resampling.ts';
import { bytes } from '../../report/format.ts';
import type { CellContent } from '../../report/leaderboard-table.ts';
import { HEADLINE_PROTOCOLS, type HeadlineProtocol } from '../../report/protocols.ts';
import { REPORT_FORMATS, type ReportFormat, writeReportFile } from '../../report/write-report.ts';
import { InputError } from '../../util/errors.ts';
import type { StoreArgs } from '../options.ts';
import type { CommandBody } from './index.ts';

interface ReportArgs extends StoreArgs {
  out?: string;
  experiments?: string[];
  format: ReportFormat;
  protocol: HeadlineProtocol;
  bootstrap: number;
  seed: number;
  unit: ResampleUnit | 'auto';
  test: 'bootstrap' | 'randomization';
  cells: CellContent;
  cache: boolean;
  title?: string;
}

function nonNegativeInteger(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new InputError(`--${flag} must be a non-negative integer (got ${value})`);
  return value;
}

/** `skillbench report`: the store as one self-contained HTML report, or the leaderboard as Markdown / LaTeX. */
export const reportCommand: CommandBody<StoreArgs, ReportArgs> = {
  builder: (yargs) =>
    yargs
      .option('out', {
        type: 'string',
        describe: 'file to write (default reports/out/index.html, leaderboard.md or leaderboard.tex)',
      })
      .option('experiments', {
        type: 'string',
        array: true,
        describe: 'only these experiments (names or globs)',
      })
      .option('format', { choices: REPORT_FORMATS, default: 'html' as ReportFormat })
      .option('protocol', {
        choices: HEADLINE_PROTOCOLS,
        default: 'nervaluate' as HeadlineProtocol,
        describe: 'protocol of the headline columns (nervaluate strict is what Skill-LLM reported)',
      })
      .option('bootstrap', {
        type: 'number',
        default: 1000,
        describe: 'resamples for the 95% CIs and the paired tests (0: none)',
      })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the resampling' })
      .option('unit', {
        choices: [...RESAMPLE_UNITS, 'auto'] as const,
        default: 'auto' as const,
        describe: 'resampling unit; auto: documents (job postings) when a test set has 20 or more',
      })
      .option('test', {
        choices: ['bootstrap', 'randomization'] as const,
        default: 'bootstrap' as const,
        describe: 'paired test against the best row: paired bootstrap or approximate randomisation',
      })
      .option('cells', {
        choices: ['sd', 'ci', 'both'] as const,
        default: 'both' as const,
        describe: 'md / latex cells: mean ± sd, mean and CI, or both',
      })
      .option('cache', {
        type: 'boolean',
        default: true,
        describe:
          'reuse analyses of unchanged runs (report-cache/ beside the store; --no-cache to recompute)',
      })
      .option('title', { type: 'string', describe: 'report title' })
      .example('$0 report', 'reports/out/index.html from .skillbench/runs.db')
      .example('$0 report --format latex --cells sd', 'the leaderboard for a paper, mean ± sd')
      .example(
        '$0 report --protocol nereval --experiments "bert*" lexicon',
        'headline columns under nereval, some rows',
      ) as Argv<ReportArgs>,
  handler: (args) => {
    const written = writeReportFile({
      storePath: args.store,
      out: args.out,
      format: args.format,
      experiments: args.experiments,
      protocol: args.protocol,
      bootstrap: nonNegativeInteger(args.bootstrap, 'bootstrap'),
      seed: nonNegativeInteger(args.seed, 'seed'),
      unit: args.unit,
      test: args.test,
      cells: args.cells,
      cacheDir: args.cache ? undefined : false,
      title: args.title,
    });
    for (const warning of written.model.warnings) process.stderr.write(`warning: ${warning}\n`);
    const seconds = (written.timings.model + written.timings.render + written.timings.write) / 1000;
    process.stdout.write(`wrote ${written.path} (${bytes(written.bytes)}, ${seconds.toFixed(2)} s)\n`);
  },
};
