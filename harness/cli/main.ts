import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_STORE_PATH } from '../tracking/store-path.ts';
import { InputError } from '../util/errors.ts';
import { COMMANDS, commandName } from './commands/index.ts';

/** Exit codes: 0 fine, 1 something ran and failed, 2 bad input (flags, files, experiments). */
export async function main(argv: string[]): Promise<void> {
  let parser = yargs(argv)
    .scriptName('skillbench')
    .usage('$0 <command> [options]')
    .option('store', {
      type: 'string',
      default: DEFAULT_STORE_PATH,
      describe: 'the SQLite tracking store (created when missing)',
      global: true,
    })
    .demandCommand(1, 'Name a command (see --help).')
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error) => {
      if (error) throw error;
      throw new InputError(message ?? 'invalid command line');
    });
  // only the command being run is imported; the others are listed by name and description
  const wanted = commandName(argv);
  for (const entry of COMMANDS) {
    const body = entry.command.split(' ')[0] === wanted ? await entry.load() : undefined;
    parser = parser.command({ command: entry.command, describe: entry.describe, handler: () => {}, ...body });
  }
  await parser.parseAsync();
}

try {
  await main(hideBin(process.argv));
} catch (error) {
  if (error instanceof InputError) {
    process.stderr.write(`skillbench: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `skillbench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
