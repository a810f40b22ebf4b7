import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_SYNC_DEADLINE_S, syncStoreToMlflow } from '../../tracking/mlflow/sync-store.ts';
import { InputError } from '../../util/errors.ts';
import type { StoreArgs } from '../options.ts';
import type { CommandBody } from './index.ts';

/** `skillbench mlflow sync [--experiment E]`: mirror the store to MLFLOW_TRACKING_URI. */

interface MlflowSyncArgs extends StoreArgs {
  experiment?: string;
  timeout: number;
}

const syncCommand: CommandModule<StoreArgs, MlflowSyncArgs> = {
  command: 'sync',
  describe: 'send what the MLflow server does not have yet (runs, params, tags, metrics, artifacts, status)',
  builder: (yargs: Argv<StoreArgs>) =>
    yargs
      .option('experiment', { type: 'string', describe: 'only the runs of this experiment' })
      .option('timeout', {
        type: 'number',
        default: DEFAULT_SYNC_DEADLINE_S,
        describe: 'seconds the whole sync may take; what is not sent by then is sent by the next sync',
      })
      .example('MLFLOW_TRACKING_URI=http://127.0.0.1:5000 $0 mlflow sync', 'mirror every run in the store'),
  handler: async (args) => {
    if (!(args.timeout > 0))
      throw new InputError(`--timeout must be a positive number of seconds, got ${args.timeout}`);
    const result = await syncStoreToMlflow({
      storePath: args.store,
      experiment: args.experiment,
      deadlineMs: args.timeout * 1000,
    });
    if (!result.ok) process.exitCode = 1;
  },
};

export const mlflowCommand: CommandBody<StoreArgs, StoreArgs> = {
  builder: (yargs: Argv<StoreArgs>) =>
    yargs.command(syncCommand).demandCommand(1, 'Name an mlflow command (sync).'),
  handler: () => {},
};
