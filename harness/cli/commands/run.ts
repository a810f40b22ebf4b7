import type { Argv } from 'yargs';
import { formatProblem } from '../../experiments/problems.ts';
import { DEFAULT_OUTPUTS } from '../../report/outputs.ts';
import { runSummaryJson } from '../../runner/run-summary.ts';
import { type PlannedState, runExperiments } from '../../runner/session.ts';
import { formatRunSummary } from '../../runner/summary-table.ts';
import { RunStore } from '../../tracking/store.ts';
import type { StoreArgs } from '../options.ts';
import type { CommandBody } from './index.ts';

export interface RunArgs extends StoreArgs {
  files: string[];
  profile?: string;
  only?: string[];
  seeds?: number;
  dryRun: boolean;
  force: boolean;
  jobs: number;
  format: 'table' | 'json';
  plugin: string[];
  report: boolean;
  reportOut?: string;
}

export const DEFAULT_EXPERIMENTS = 'experiments/table2';

export const runCommand: CommandBody<StoreArgs, RunArgs> = {
  builder: (yargs) =>
    yargs
      .positional('files', {
        type: 'string',
        array: true,
        default: [DEFAULT_EXPERIMENTS],
        describe: 'experiment files or folders',
      })
      .option('profile', {
        type: 'string',
        describe: 'apply this profile (smoke, quick, paper, ...) where defined',
      })
      .option('only', { type: 'string', array: true, describe: 'only these experiments (names or globs)' })
      .option('seeds', { type: 'number', describe: 'only the first N seeds of each experiment' })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'show the plan and what is cached, run nothing',
      })
      .option('force', { type: 'boolean', default: false, describe: 'redo runs even when finished' })
      .option('jobs', { type: 'number', default: 1, describe: 'runs at a time' })
      .option('format', {
        choices: ['table', 'json'] as const,
        default: 'table' as const,
        describe: 'json: the runs as `runs ls --format json` prints them',
      })
      .option('plugin', {
        type: 'string',
        array: true,
        default: [],
        describe: 'module(s) exporting extra methods',
      })
      .option('report', {
        type: 'boolean',
        default: true,
        describe: 'write the HTML report at the end (--no-report to skip)',
      })
      .option('report-out', {
        type: 'string',
        describe: `where the report goes (default ${DEFAULT_OUTPUTS.html})`,
      }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const result = await runExperiments({
      files: args.files,
      store: args.store,
      plugins: args.plugin,
      profile: args.profile,
      only: args.only,
      seeds: args.seeds,
      dryRun: args.dryRun,
      force: args.force,
      jobs: args.jobs,
      report: args.report && { out: args.reportOut },
      handleSignals: true,
    });
    for (const warning of result.warnings) process.stderr.write(`${formatProblem(warning)}\n`);
    if (args.dryRun) {
      process.stdout.write(`${formatDryRun(result.planned)}\n`);
      return;
    }
    const store = new RunStore(args.store);
    try {
      process.stdout.write(
        args.format === 'json'
          ? `${JSON.stringify(
              result.outcomes.map((o) => runSummaryJson(store, store.getRun(o.run.id)!, o.cached)),
              null,
              2,
            )}\n`
          : `${formatRunSummary(store, result.outcomes, result.seconds)}\n`,
      );
    } finally {
      store.close();
    }
    if (result.reportPath) process.stdout.write(`report: ${result.reportPath}\n`);
    if (result.reportError) {
      process.stderr.write(
        `skillbench: the report could not be written (${result.reportError}); the runs are in ${args.store}, retry with \`skillbench report\`\n`,
      );
    }
    if (result.interrupted) process.exitCode = 130;
    else if (result.reportError || result.outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
  },
};

function formatDryRun(planned: readonly PlannedState[]): string {
  const lines = planned.map(({ spec: run, existing }) => {
    const state =
      existing?.status === 'finished'
        ? 'cached'
        : existing
          ? `resume (${existing.status}${existing.phase ? ` in ${existing.phase}` : ''})`
          : 'new';
    const point = Object.entries(run.sweepPoint)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    return `  ${state.padEnd(24)} ${run.experiment} seed ${run.seed}${point ? ` ${point}` : ''}  [${run.key.slice(0, 12)}]`;
  });
  return [`${planned.length} runs planned (nothing run: --dry-run)`, ...lines].join('\n');
}
