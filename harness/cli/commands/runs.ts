import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { exportRunBundle } from '../../runner/export-bundle.ts';
import { runSummaryJson } from '../../runner/run-summary.ts';
import { openExistingStore } from '../../tracking/open-store.ts';
import type { RunStatus } from '../../tracking/types.ts';
import { InputError } from '../../util/errors.ts';
import { formatTable, percent } from '../../util/table.ts';
import type { StoreArgs } from '../options.ts';
import { parseRunId } from '../store-access.ts';
import type { CommandBody } from './index.ts';

const STATUSES: RunStatus[] = ['pending', 'running', 'finished', 'failed', 'skipped', 'interrupted'];

interface LsArgs extends StoreArgs {
  experiment?: string;
  status?: RunStatus;
  format: 'table' | 'json';
}

const ls: CommandModule<StoreArgs, LsArgs> = {
  command: 'ls',
  describe: 'list runs',
  builder: (yargs) =>
    yargs
      .option('experiment', { type: 'string', describe: 'only runs of this experiment' })
      .option('status', { choices: STATUSES, describe: 'only runs with this status' })
      .option('format', { choices: ['table', 'json'] as const, default: 'table' as const }) as Argv<LsArgs>,
  handler: (args) => {
    const store = openExistingStore(args.store);
    try {
      const runs = store.listRuns({ experiment: args.experiment, status: args.status });
      if (args.format === 'json') {
        process.stdout.write(
          `${JSON.stringify(
            runs.map((run) => runSummaryJson(store, run)),
            null,
            2,
          )}\n`,
        );
        return;
      }
      const rows = runs.map((run) => {
        const metrics = store.summaryMetrics(run.id);
        return [
          run.id,
          run.experiment,
          run.method,
          run.seed,
          run.profile ?? '',
          run.status,
          percent(metrics['test.nervaluate.overall.f1']),
          percent(metrics['test.nereval.overall.f1']),
          percent(metrics['test.set.overall.f1']),
          run.finishedAt?.slice(0, 19).replace('T', ' ') ?? '',
        ];
      });
      process.stdout.write(
        `${formatTable(['id', 'experiment', 'method', 'seed', 'profile', 'status', 'nerv F1', 'nereval F1', 'set F1', 'finished'], rows)}\n`,
      );
    } finally {
      store.close();
    }
  },
};

interface IdArgs extends StoreArgs {
  id: number;
}

const show: CommandModule<StoreArgs, IdArgs & { format: 'text' | 'json' }> = {
  command: 'show <id>',
  describe: 'everything recorded about one run',
  builder: (yargs) =>
    yargs
      .positional('id', { type: 'number', demandOption: true })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const }) as Argv<
      IdArgs & { format: 'text' | 'json' }
    >,
  handler: (args) => {
    const store = openExistingStore(args.store);
    try {
      const run = store.getRun(parseRunId(args.id));
      if (!run) throw new InputError(`no run with id ${args.id} in ${args.store}`);
      const details = {
        ...runSummaryJson(store, run),
        experiments: store.runExperiments(run.id),
        phase: run.phase ?? null,
        error: run.error ?? null,
        skip_reason: run.skipReason ?? null,
        timings: run.timings,
        params: store.params(run.id),
        artifacts: store.artifacts(run.id),
        environment: run.environment ?? null,
        spec: run.spec,
      };
      if (args.format === 'json') {
        process.stdout.write(`${JSON.stringify(details, null, 2)}\n`);
        return;
      }
      const lines = [
        `run ${run.id}  ${run.experiment}  (${run.method}, seed ${run.seed}${run.profile ? `, profile ${run.profile}` : ''})`,
        `status    ${run.status}${run.phase ? ` (in ${run.phase})` : ''}`,
        `key       ${run.key}`,
        `started   ${run.startedAt ?? '-'}`,
        `finished  ${run.finishedAt ?? '-'}`,
      ];
      if (run.skipReason) lines.push(`skipped   ${run.skipReason}`);
      if (run.error)
        lines.push(`error     ${run.error.message}`, ...(run.error.stack ? [run.error.stack] : []));
      if (run.environment) {
        const env = run.environment;
        lines.push(
          `code      ${env.gitCommit ?? 'unknown'}${env.gitDirty ? ' (dirty)' : ''}`,
          `machine   ${env.cpu} x${env.cpuCount}${env.gpu ? `, ${env.gpu}` : ''}, ${env.os}, Node ${env.node}`,
        );
        if (env.method) lines.push(`method    ${JSON.stringify(env.method)}`);
      }
      lines.push('', 'params', ...Object.entries(details.params).map(([k, v]) => `  ${k} = ${v}`));
      lines.push('', 'timings', ...Object.entries(run.timings).map(([k, v]) => `  ${k} = ${v.toFixed(3)}`));
      const headline = Object.entries(details.metrics).filter(
        ([name]) => /\.(f1|precision|recall)$/.test(name) && /\.(overall|SKILL|KNOWLEDGE)\./.test(name),
      );
      lines.push(
        '',
        'metrics (F1, P, R; all in `runs show --format json`)',
        ...headline.map(([k, v]) => `  ${k} = ${percent(v)}`),
      );
      lines.push(
        '',
        'artifacts',
        ...details.artifacts.map(
          (a) => `  ${a.name}  ${a.bytes} B  sha256 ${a.sha256.slice(0, 12)}  ${a.path}`,
        ),
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      store.close();
    }
  },
};

const rm: CommandModule<StoreArgs, IdArgs> = {
  command: 'rm <id>',
  describe: 'delete a run, its records and its artifact folder',
  builder: (yargs) => yargs.positional('id', { type: 'number', demandOption: true }) as Argv<IdArgs>,
  handler: (args) => {
    const store = openExistingStore(args.store);
    try {
      const run = store.getRun(parseRunId(args.id));
      if (!run) throw new InputError(`no run with id ${args.id} in ${args.store}`);
      store.deleteRun(run.id);
      rmSync(join(store.artifactRoot(), run.key), { recursive: true, force: true });
      process.stdout.write(`deleted run ${run.id} (${run.experiment}, seed ${run.seed})\n`);
    } finally {
      store.close();
    }
  },
};

const exportCommand: CommandModule<StoreArgs, IdArgs & { out: string }> = {
  command: 'export <id>',
  describe: 'write a bundle a reviewer can re-score: spec, environment, predictions, metrics',
  builder: (yargs) =>
    yargs
      .positional('id', { type: 'number', demandOption: true })
      .option('out', { type: 'string', demandOption: true, describe: 'folder to write' }) as Argv<
      IdArgs & { out: string }
    >,
  handler: (args) => {
    const store = openExistingStore(args.store);
    try {
      const run = store.getRun(parseRunId(args.id));
      if (!run) throw new InputError(`no run with id ${args.id} in ${args.store}`);
      const files = exportRunBundle(store, run, args.out);
      process.stdout.write(
        `wrote ${files.length} files to ${args.out}:\n${files.map((f) => `  ${f}`).join('\n')}\n`,
      );
    } finally {
      store.close();
    }
  },
};

export const runsCommand: CommandBody<StoreArgs, StoreArgs> = {
  builder: (yargs) =>
    yargs
      .command(ls)
      .command(show)
      .command(rm)
      .command(exportCommand)
      .demandCommand(1, 'Name a runs subcommand: ls, show, rm, export.') as Argv<StoreArgs>,
  handler: () => {},
};
