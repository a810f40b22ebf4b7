import type { Argv, CommandModule } from 'yargs';
import { CACHE_PREFIX } from '../../llm/cache-key.ts';
import { summarizeCache } from '../../llm/cache-stats.ts';
import { openExistingStore } from '../../tracking/open-store.ts';
import { formatTable } from '../../util/table.ts';
import type { StoreArgs } from '../options.ts';
import type { CommandBody } from './index.ts';

interface StatsArgs extends StoreArgs {
  format: 'table' | 'json';
}

const stats: CommandModule<StoreArgs, StatsArgs> = {
  command: 'stats',
  describe: 'entries, bytes and hits of the LLM response cache, per engine and model',
  builder: (yargs) =>
    yargs.option('format', {
      choices: ['table', 'json'] as const,
      default: 'table' as const,
    }) as Argv<StatsArgs>,
  handler: (args) => {
    const store = openExistingStore(args.store);
    try {
      const rows = summarizeCache(store.cacheEntries());
      if (args.format === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const total = rows.reduce(
        (sum, row) => ({
          entries: sum.entries + row.entries,
          bytes: sum.bytes + row.bytes,
          hits: sum.hits + row.hits,
        }),
        { entries: 0, bytes: 0, hits: 0 },
      );
      process.stdout.write(
        `${formatTable(
          ['engine/model', 'entries', 'bytes', 'hits'],
          [
            ...rows.map((row) => [row.namespace, row.entries, row.bytes, row.hits]),
            ['total', total.entries, total.bytes, total.hits],
          ],
        )}\n`,
      );
    } finally {
      store.close();
    }
  },
};

interface ClearArgs extends StoreArgs {
  engine?: string;
  model?: string;
}

const clear: CommandModule<StoreArgs, ClearArgs> = {
  command: 'clear',
  describe: 'delete cached LLM answers (all, or one engine / model)',
  builder: (yargs) =>
    yargs
      .option('engine', { type: 'string', describe: 'only this engine (openai, llama-cpp)' })
      .option('model', { type: 'string', describe: 'only this model (needs --engine)' })
      .check((args) => {
        if (args.model !== undefined && args.engine === undefined) throw new Error('--model needs --engine');
        return true;
      }) as Argv<ClearArgs>,
  handler: (args) => {
    const store = openExistingStore(args.store);
    try {
      const prefix =
        args.engine === undefined
          ? ''
          : `${CACHE_PREFIX}${args.engine}/${args.model === undefined ? '' : `${args.model}/`}`;
      const removed = store.cacheClear(prefix);
      process.stdout.write(`removed ${removed} cached answer${removed === 1 ? '' : 's'}\n`);
    } finally {
      store.close();
    }
  },
};

export const cacheCommand: CommandBody<StoreArgs, StoreArgs> = {
  builder: (yargs) =>
    yargs
      .command(stats)
      .command(clear)
      .demandCommand(1, 'Name a cache subcommand: stats, clear.') as Argv<StoreArgs>,
  handler: () => {},
};
