import type { CommandModule } from 'yargs';
import { dataCommand } from './data.ts';
import { glinerCommand } from './gliner.ts';
import { mlflowCommand } from './mlflow.ts';
import { modelCommand } from './model.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { runsCommand } from './runs.ts';
import { scoreCommand } from './score.ts';
import { tokenizeCommand } from './tokenize.ts';
import { validateCommand } from './validate.ts';

/** Every CLI command, one file each under harness/cli/commands/. */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [
  runCommand,
  runsCommand,
  scoreCommand,
  dataCommand,
  validateCommand,
  mlflowCommand,
  modelCommand,
  tokenizeCommand,
  reportCommand,
  glinerCommand,
];
