import type { Argv, CommandModule } from 'yargs';
import { defaultWorkDir, WorkDir } from '../../executors/work-dir.ts';
import { runWorker } from '../../executors/worker.ts';
import type { StoreArgs } from '../options.ts';

interface WorkerArgs extends StoreArgs {
  key: string;
  workDir?: string;
}

/** Exit status per outcome: Slurm records it, and a failed run shows as a FAILED task. */
const EXIT_CODES = { finished: 0, skipped: 0, failed: 1, interrupted: 143 } as const;

export const workerCommand: CommandModule<StoreArgs, WorkerArgs> = {
  command: 'worker <key>',
  describe:
    'run one run of the work directory (what each Slurm array task runs; writes its journal, not the store)',
  builder: (yargs) =>
    yargs
      .positional('key', { type: 'string', demandOption: true, describe: 'the run key' })
      .option('work-dir', {
        type: 'string',
        describe: 'the work directory (default: the store folder)',
      }) as Argv<WorkerArgs>,
  handler: async (args) => {
    const controller = new AbortController();
    // scancel and the time limit send SIGTERM: stop at the next safe point, keeping checkpoints
    const stop = (signal: string) => {
      process.stdout.write(`skillbench worker: ${signal}: stopping at the next safe point\n`);
      controller.abort();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    const outcome = await runWorker(new WorkDir(args.workDir ?? defaultWorkDir(args.store)), args.key, {
      signal: controller.signal,
      out: process.stdout,
    });
    process.exitCode = EXIT_CODES[outcome.status as keyof typeof EXIT_CODES] ?? 1;
  },
};
