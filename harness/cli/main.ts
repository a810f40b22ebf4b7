import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_STORE_PATH } from '../tracking/open-store.ts';
import { InputError } from '../util/errors.ts';
import { commands } from './commands/index.ts';

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
  for (const command of commands) parser = parser.command(command);
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
