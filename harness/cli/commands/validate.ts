import type { Argv } from 'yargs';
import { registerBuiltinMethods } from '../../../baselines/index.ts';
import { loadExperiments } from '../../experiments/load.ts';
import { countProblems, formatProblem } from '../../experiments/problems.ts';
import { formatSummary, planEveryProfile } from '../../experiments/summary.ts';
import { loadPlugins } from '../../methods/plugins.ts';
import type { CommandBody } from './index.ts';

interface ValidateArgs {
  paths: string[];
  profile?: string;
  plugin?: string[];
}

/**
 * `skillbench validate FILE|DIR...`: every problem in the experiment files, each with file, line,
 * column and key path; exit 2 when there is an error, else a summary of what would run.
 */
export const validateCommand: CommandBody<object, ValidateArgs> = {
  builder: (yargs) =>
    yargs
      .positional('paths', {
        type: 'string',
        array: true,
        describe: 'experiment files or folders (searched for *.yaml, *.yml)',
      })
      .option('profile', { type: 'string', describe: 'count the runs of this profile only' })
      .option('plugin', {
        type: 'string',
        array: true,
        describe: 'a module exporting more methods',
      }) as Argv<ValidateArgs>,
  handler: async (args) => {
    registerBuiltinMethods();
    await loadPlugins(args.plugin ?? []);
    const result = await loadExperiments(args.paths);
    for (const problem of result.problems) process.stdout.write(`${formatProblem(problem)}\n`);
    const { errors, warnings } = countProblems(result.problems);
    if (errors > 0) {
      process.stdout.write(
        `\n${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${result.files.length} file${result.files.length === 1 ? '' : 's'}\n`,
      );
      process.exitCode = 2;
      return;
    }
    if (result.problems.length > 0) process.stdout.write('\n');
    const plans = planEveryProfile(result.experiments, args.profile);
    process.stdout.write(formatSummary(result.files, result.experiments, plans));
  },
};
