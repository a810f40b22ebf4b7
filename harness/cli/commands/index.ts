import type { CommandModule } from 'yargs';

/** Every CLI command, one file each under harness/cli/commands/. */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [];
