import type { CommandModule } from 'yargs';

/** A command's options and action; its name and description are in COMMANDS. */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export type CommandBody<T = any, U = any> = Required<Pick<CommandModule<T, U>, 'builder' | 'handler'>>;

export interface CommandEntry {
  /** yargs command string: the name, then positional arguments */
  command: string;
  describe: string;
  /** imports the command's module: only the command being run is loaded (fast start-up) */
  load(): Promise<CommandBody>;
}

/** Every CLI command, one file each under harness/cli/commands/. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    command: 'run [files..]',
    describe: 'run experiment files (a finished run with the same key is reused, an unfinished one resumes)',
    load: async () => (await import('./run.ts')).runCommand as CommandBody,
  },
  {
    command: 'runs',
    describe: 'inspect the tracking store: ls, show, rm, export',
    load: async () => (await import('./runs.ts')).runsCommand as CommandBody,
  },
  {
    command: 'score',
    describe: 'score a prediction file with nervaluate, nereval and set F1 (per label, per source)',
    load: async () => (await import('./score.ts')).scoreCommand as CommandBody,
  },
  {
    command: 'data <command>',
    describe: 'dataset tools (stats)',
    load: async () => (await import('./data.ts')).dataCommand as CommandBody,
  },
  {
    command: 'export <format>',
    describe: 'write datasets in other tools\u2019 formats (skill-llm: LLaMA-Factory files and YAML)',
    load: async () => (await import('./export.ts')).exportCommand as CommandBody,
  },
  {
    command: 'validate <paths..>',
    describe: 'check experiment files and show the runs they expand to',
    load: async () => (await import('./validate.ts')).validateCommand as CommandBody,
  },
  {
    command: 'mlflow <command>',
    describe: 'mirror the tracking store to an MLflow server (MLFLOW_TRACKING_URI, docs/mlflow.md)',
    load: async () => (await import('./mlflow.ts')).mlflowCommand as CommandBody,
  },
  {
    command: 'model <action>',
    describe: 'tools for checkpoints (forward)',
    load: async () => (await import('./model.ts')).modelCommand as CommandBody,
  },
  {
    command: 'tokenize',
    describe: 'encode pre-split sentences with a tokenizer folder (ids, tokens, word_ids)',
    load: async () => (await import('./tokenize.ts')).tokenizeCommand as CommandBody,
  },
  {
    command: 'report',
    describe: 'write the report: one self-contained HTML file, or the leaderboard as Markdown or LaTeX',
    load: async () => (await import('./report.ts')).reportCommand as CommandBody,
  },
  {
    command: 'cache',
    describe: 'the LLM response cache: stats, clear',
    load: async () => (await import('./cache.ts')).cacheCommand as CommandBody,
  },
  {
    command: 'collect',
    describe:
      'bring in what Slurm jobs have done since (journals into the store, faults with their log), from any machine that sees the work directory',
    load: async () => (await import('./collect.ts')).collectCommand as CommandBody,
  },
  {
    command: 'worker <key>',
    describe:
      'run one run of a work directory: what each Slurm array task runs (writes its journal, not the store)',
    load: async () => (await import('./worker.ts')).workerCommand as CommandBody,
  },
  {
    command: 'gliner <action>',
    describe: 'GLiNER span models (predict: batch_predict_entities on a local GLiNER folder)',
    load: async () => (await import('./gliner.ts')).glinerCommand as CommandBody,
  },
];

/** Global options that take a value (so that `--store x.db runs ls` finds `runs`). */
const GLOBAL_OPTIONS_WITH_VALUES = new Set(['--store']);

/** The command word of argv: the first argument that is neither an option nor an option's value. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return undefined;
    if (GLOBAL_OPTIONS_WITH_VALUES.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
