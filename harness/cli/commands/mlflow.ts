import type { Argv, CommandModule } from 'yargs';
import { syncStoreToMlflow } from '../../tracking/mlflow/sync-store.ts';
import type { StoreArgs } from '../options.ts';
import type { CommandBody } from './index.ts';

/** `skillbench mlflow sync [--experiment E]`: mirror the store to MLFLOW_TRACKING_URI. */

interface MlflowSyncArgs extends StoreArgs {
  experiment?: string;
}

const syncCommand: CommandModule<StoreArgs, MlflowSyncArgs> = {
  command: 'sync',
  describe: 'send what the MLflow server does not have yet (runs, params, tags, metrics, artifacts, status)',
  builder: (yargs: Argv<StoreArgs>) =>
    yargs
      .option('experiment', { type: 'string', describe: 'only the runs of this experiment' })
      .example('MLFLOW_TRACKING_URI=http://127.0.0.1:5000 $0 mlflow sync', 'mirror every run in the store'),
  handler: async (args) => {
    const result = await syncStoreToMlflow({ storePath: args.store, experiment: args.experiment });
    if (!result.ok) process.exitCode = 1;
  },
};

export const mlflowCommand: CommandBody<StoreArgs, StoreArgs> = {
  builder: (yargs: Argv<StoreArgs>) =>
    yargs.command(syncCommand).demandCommand(1, 'Name an mlflow command (sync).'),
  handler: () => {},
};
