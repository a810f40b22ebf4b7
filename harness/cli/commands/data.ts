import type { Argv, CommandModule } from 'yargs';
import { SKILLSPAN_SPLITS } from '../../data/datasets.ts';
import { LABELS } from '../../data/types.ts';
import { type SplitStats, type StatsBlock, splitStats } from '../../eval/dataset-stats.ts';
import { formatTable } from '../../util/table.ts';
import type { CommandBody } from './index.ts';

interface StatsArgs {
  split?: string[];
  format: 'table' | 'json';
}

/** `train` -> `skillspan:train`; anything else (skillspan:..., a path) as given. */
function datasetRef(split: string): string {
  return (SKILLSPAN_SPLITS as readonly string[]).includes(split) ? `skillspan:${split}` : split;
}

function statsRow(split: string, source: string, block: StatsBlock): (string | number)[] {
  return [
    split,
    source,
    block.sentences,
    block.tokens,
    ...LABELS.map((label) => block.spans[label]),
    ...LABELS.map((label) => block.b_tags[label]),
  ];
}

export function formatStatsTable(stats: readonly SplitStats[]): string {
  const rows = stats.flatMap((split) => [
    statsRow(split.name, 'all', split),
    ...Object.entries(split.by_source).map(([source, block]) => statsRow(split.name, source, block)),
  ]);
  const header = [
    'split',
    'source',
    'sentences',
    'tokens',
    ...LABELS.map((label) => `${label} spans`),
    ...LABELS.map((label) => `${label} B tags`),
  ];
  const note =
    'spans: conlleval chunks (an I after O opens a span; what the scorers count). ' +
    'B tags: IOB2 B tags in the file (what Table 1 of Skill-LLM and data/skillspan/README.md count).';
  return `${formatTable(header, rows)}\n\n${note}\n`;
}

const stats: CommandModule<object, StatsArgs> = {
  command: 'stats',
  describe: 'sentences, tokens and spans per split, source and label',
  builder: (yargs) =>
    yargs
      .option('split', {
        type: 'string',
        array: true,
        describe: `train, dev, test, skillspan:<split> or a SkillSpan JSONL/CoNLL path (default: ${SKILLSPAN_SPLITS.join(', ')})`,
      })
      .option('format', {
        choices: ['table', 'json'] as const,
        default: 'table' as const,
      }) as Argv<StatsArgs>,
  handler: (args) => {
    const splits = args.split?.length ? args.split : [...SKILLSPAN_SPLITS];
    const result = splits.map((split) => splitStats(datasetRef(split)));
    process.stdout.write(
      args.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatStatsTable(result),
    );
  },
};

/** `skillbench data <command>`: facts about datasets. */
export const dataCommand: CommandBody<object, object> = {
  builder: (yargs) => yargs.command(stats).demandCommand(1, 'Name a data command (stats).'),
  handler: () => {},
};
