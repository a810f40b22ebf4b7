import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { collectRuns, followRuns } from '../../executors/slurm/executor.ts';
import { defaultWorkDir, WorkDir } from '../../executors/work-dir.ts';
import { writeReportFile } from '../../report/write-report.ts';
import type { RunOutcome } from '../../runner/execute-run.ts';
import { ProgressBoard } from '../../runner/progress.ts';
import { prepareReport } from '../../runner/session.ts';
import { formatRunSummary } from '../../runner/summary-table.ts';
import { mirrorRunIfConfigured } from '../../tracking/mlflow/mirror.ts';
import { StoreMlflowSource } from '../../tracking/mlflow/store-source.ts';
import { RunStore } from '../../tracking/store.ts';
import { describeError, InputError } from '../../util/errors.ts';
import type { StoreArgs } from '../options.ts';

interface CollectArgs extends StoreArgs {
  workDir?: string;
  wait: boolean;
  report: boolean;
  reportOut?: string;
}

export const collectCommand: CommandModule<StoreArgs, CollectArgs> = {
  command: 'collect',
  describe:
    'bring in what Slurm jobs have done since (journals into the store, faults with their log), from any machine that sees the work directory',
  builder: (yargs) =>
    yargs
      .option('work-dir', {
        type: 'string',
        describe: 'the work directory the runs were submitted with (default: the store folder)',
      })
      .option('wait', {
        type: 'boolean',
        default: false,
        describe: 'follow the runs still queued or running until they end',
      })
      .option('report', {
        type: 'boolean',
        default: true,
        describe: 'write the HTML report at the end (--no-report to skip)',
      })
      .option('report-out', { type: 'string', describe: 'where the report goes' }) as Argv<CollectArgs>,
  handler: async (args) => {
    const workDir = new WorkDir(args.workDir ?? defaultWorkDir(args.store));
    if (!existsSync(join(workDir.root, 'runs'))) {
      throw new InputError(
        `nothing was submitted to Slurm with the work directory ${workDir.root} (pass --work-dir)`,
      );
    }
    const started = performance.now();
    const store = new RunStore(args.store);
    const board = new ProgressBoard(process.stderr);
    const mlflowSource = new StoreMlflowSource(store);
    const afterRun = async (run: { id: number; key: string }) => {
      if (args.report) await prepareReport(store, run.id, (line: string) => board.print(line));
      await mirrorRunIfConfigured(mlflowSource, run.key, { log: (line) => board.print(line) });
    };
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.on('SIGINT', onInterrupt);
    try {
      const collected = await collectRuns(store, workDir);
      const outcomes: RunOutcome[] = [];
      const stillRunning = [];
      for (const { run, ended, changed } of collected.values()) {
        if (ended || !run.job) {
          outcomes.push({
            spec: run.spec,
            run,
            status: run.status,
            cached: !changed,
            message: run.error?.message ?? run.skipReason,
          });
          if (changed) await afterRun(run);
        } else stillRunning.push(run);
      }
      if (args.wait && stillRunning.length > 0) {
        outcomes.push(
          ...(await followRuns(
            stillRunning.map((run) => run.spec),
            { store, workDir, board, signal: controller.signal, afterRun },
          )),
        );
      } else {
        for (const run of stillRunning) {
          outcomes.push({
            spec: run.spec,
            run,
            status: run.status,
            cached: false,
            message: `Slurm ${run.job?.id} ${run.job?.state}`,
          });
        }
      }
      board.stop();
      process.stdout.write(`${formatRunSummary(store, outcomes, (performance.now() - started) / 1000)}\n`);
      if (args.report) {
        try {
          process.stdout.write(
            `report: ${writeReportFile({ storePath: args.store, out: args.reportOut }).path}\n`,
          );
        } catch (error) {
          process.stderr.write(
            `skillbench: the report could not be written (${describeError(error)}); retry with \`skillbench report\`\n`,
          );
          process.exitCode = 1;
        }
      }
      if (outcomes.some((outcome) => outcome.status === 'failed')) process.exitCode = 1;
    } finally {
      process.off('SIGINT', onInterrupt);
      store.close();
    }
  },
};
