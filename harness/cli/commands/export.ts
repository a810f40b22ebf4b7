import type { Argv, CommandModule } from 'yargs';
import { type ExportSplit, exportSkillLlm } from '../../../baselines/skill-llm/export.ts';
import { DEFAULT_INSTRUCTIONS, DEFAULT_MARKER } from '../../../baselines/skill-llm/format.ts';
import { PAPER_BASE_MODEL } from '../../../baselines/skill-llm/recipe.ts';
import { loadDataset, SKILLSPAN_SPLITS } from '../../data/datasets.ts';
import type { CommandBody } from './index.ts';

interface SkillLlmExportArgs {
  split: ExportSplit[];
  out: string;
  marker: string;
  instruction?: string[];
  seed: number;
  model: string;
}

const skillLlm: CommandModule<object, SkillLlmExportArgs> = {
  command: 'skill-llm',
  describe:
    "SkillSpan in the Skill-LLM authors' LLaMA-Factory format, with the paper's train and predict YAML",
  builder: (yargs) =>
    yargs
      .option('split', {
        choices: SKILLSPAN_SPLITS,
        array: true,
        default: [...SKILLSPAN_SPLITS],
        describe: 'splits to write (DIR/<split>.json)',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'the folder to write' })
      .option('marker', { type: 'string', default: DEFAULT_MARKER, describe: 'sentence boundary marker' })
      .option('instruction', {
        type: 'string',
        array: true,
        describe: 'instruction phrasings (training draws one per example; inference uses the first)',
      })
      .option('seed', { type: 'number', default: 1, describe: 'seeds the instruction draw and training' })
      .option('model', {
        type: 'string',
        default: PAPER_BASE_MODEL,
        describe: 'base model for the YAML',
      }) as Argv<SkillLlmExportArgs>,
  handler: (args) => {
    const splits = Object.fromEntries(
      [...new Set(args.split)].map((split) => [split, loadDataset(`skillspan:${split}`).sentences]),
    );
    const written = exportSkillLlm(args.out, splits, {
      marker: args.marker,
      instructions: args.instruction?.length ? args.instruction : DEFAULT_INSTRUCTIONS,
      seed: args.seed,
      model: args.model,
    });
    process.stdout.write(`wrote ${written.map((name) => `${args.out}/${name}`).join(', ')}\n`);
  },
};

/** `skillbench export <format>`: datasets in other tools' formats. */
export const exportCommand: CommandBody<object, object> = {
  builder: (yargs) => yargs.command(skillLlm).demandCommand(1, 'Name a format (skill-llm).'),
  handler: () => {},
};
