import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { registerBuiltinMethods } from '../../../baselines/index.ts';
import { loadExperimentsOrThrow } from '../../experiments/load.ts';
import { planRuns } from '../../experiments/plan.ts';
import { formatProblem } from '../../experiments/problems.ts';
import type { ExecutorName } from '../../experiments/schema.ts';
import { loadPlugins } from '../../methods/plugins.ts';
import { warmReportCache } from '../../report/warm-cache.ts';
import { DEFAULT_OUTPUTS, writeReportFile } from '../../report/write-report.ts';
import type { RunOutcome } from '../../runner/execute-run.ts';
import { ProgressBoard } from '../../runner/progress.ts';
import { runSummaryJson } from '../../runner/run-summary.ts';
import { runPlan } from '../../runner/runner.ts';
import { formatRunSummary } from '../../runner/summary-table.ts';
import type { RunRecord } from '../../runner/types.ts';
import { mirrorRunIfConfigured } from '../../tracking/mlflow/mirror.ts';
import { StoreMlflowSource } from '../../tracking/mlflow/store-source.ts';
import { RunStore } from '../../tracking/store.ts';
import { describeError } from '../../util/errors.ts';
import { defaultWorkDir, type StoreArgs } from '../options.ts';
import { byExecutor, pluginPaths, startSlurmRuns } from '../slurm-run.ts';

export interface RunArgs extends StoreArgs {
  files: string[];
  profile?: string;
  only?: string[];
  seeds?: number;
  dryRun: boolean;
  force: boolean;
  jobs: number;
  format: 'table' | 'json';
  plugin: string[];
  report: boolean;
  reportOut?: string;
  executor?: ExecutorName;
  workDir?: string;
  detach: boolean;
}

export const DEFAULT_EXPERIMENTS = 'experiments/table2';

export const runCommand: CommandModule<StoreArgs, RunArgs> = {
  command: 'run [files..]',
  describe: 'run experiment files (a finished run with the same key is reused, an unfinished one resumes)',
  builder: (yargs) =>
    yargs
      .positional('files', {
        type: 'string',
        array: true,
        default: [DEFAULT_EXPERIMENTS],
        describe: 'experiment files or folders',
      })
      .option('profile', {
        type: 'string',
        describe: 'apply this profile (smoke, quick, paper, ...) where defined',
      })
      .option('only', { type: 'string', array: true, describe: 'only these experiments (names or globs)' })
      .option('seeds', { type: 'number', describe: 'only the first N seeds of each experiment' })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'show the plan and what is cached, run nothing',
      })
      .option('force', { type: 'boolean', default: false, describe: 'redo runs even when finished' })
      .option('jobs', { type: 'number', default: 1, describe: 'runs at a time' })
      .option('format', {
        choices: ['table', 'json'] as const,
        default: 'table' as const,
        describe: 'json: the runs as `runs ls --format json` prints them',
      })
      .option('plugin', {
        type: 'string',
        array: true,
        default: [],
        describe: 'module(s) exporting extra methods',
      })
      .option('report', {
        type: 'boolean',
        default: true,
        describe: 'write the HTML report at the end (--no-report to skip)',
      })
      .option('report-out', {
        type: 'string',
        describe: `where the report goes (default ${DEFAULT_OUTPUTS.html})`,
      })
      .option('executor', {
        choices: ['local', 'slurm'] as const,
        describe:
          "where runs execute: local (this process) or slurm (array jobs); default: each file's `executor`, else local",
      })
      .option('work-dir', {
        type: 'string',
        describe: 'slurm: a folder every node sees at the same path (default: the store folder)',
      })
      .option('detach', {
        type: 'boolean',
        default: false,
        describe: 'slurm: submit and return; `skillbench collect` brings the results in later',
      }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    registerBuiltinMethods();
    await loadPlugins(args.plugin);
    const { experiments, warnings } = loadExperimentsOrThrow(args.files);
    for (const warning of warnings) process.stderr.write(`${formatProblem(warning)}\n`);
    const plan = planRuns(experiments, { profile: args.profile, only: args.only, seeds: args.seeds });
    for (const note of plan.notes) process.stderr.write(`note: ${note}\n`);

    const store = new RunStore(args.store);
    const reaped = store.reapAbandonedRuns();
    if (reaped > 0)
      process.stderr.write(`note: ${reaped} run(s) left running by a process that is gone will resume\n`);
    try {
      for (const experiment of plan.experiments) {
        store.upsertExperiment({
          name: experiment.name,
          description: experiment.description,
          method: experiment.method,
          file: experiment.file,
          published: experiment.published,
          tags: experiment.tags,
        });
      }
      // published rows are recorded with their experiment, never run
      const toRun = byExecutor(
        plan.experiments.filter((e) => e.kind !== 'published'),
        args.executor,
      );
      const runnable = toRun.local.flatMap((e) => e.runs);
      if (args.dryRun) {
        process.stdout.write(
          `${formatDryRun(store, [...runnable, ...toRun.slurm.flatMap((e) => e.runs)])}\n`,
        );
        return;
      }
      const controller = new AbortController();
      let interrupts = 0;
      const onInterrupt = () => {
        interrupts++;
        if (interrupts === 1) {
          process.stderr.write(
            '\nstopping at the next safe point (finished work is kept; Ctrl-C again to quit now)\n',
          );
          controller.abort();
        } else {
          process.exit(130);
        }
      };
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onInterrupt);
      const board = new ProgressBoard(process.stderr);
      const started = performance.now();
      // with MLFLOW_TRACKING_URI set, each finished or failed run is mirrored; a server that is
      // down only costs a one-line warning (`skillbench mlflow sync` catches up later)
      const mlflowSource = new StoreMlflowSource(store);
      const afterRun = async (run: RunRecord) => {
        if (args.report) prepareReport(store, run.id, (line) => board.print(line));
        await mirrorRunIfConfigured(mlflowSource, run.key, { log: (line) => board.print(line) });
      };
      // Slurm runs are submitted first, so they run while this process does the local ones
      const slurm =
        toRun.slurm.length > 0
          ? await startSlurmRuns(toRun.slurm, {
              store,
              workDir: args.workDir ?? defaultWorkDir(args.store),
              plugins: pluginPaths(args.plugin),
              force: args.force,
              detach: args.detach,
              board,
              signal: controller.signal,
              afterRun,
            })
          : undefined;
      const outcomes = await runPlan(runnable, {
        store,
        board,
        signal: controller.signal,
        force: args.force,
        jobs: args.jobs,
        afterRun,
      })
        .then(async (local) => [...(slurm?.done ?? []), ...((await slurm?.follow()) ?? []), ...local])
        .finally(() => {
          process.off('SIGINT', onInterrupt);
          process.off('SIGTERM', onInterrupt);
          board.stop();
        });
      if (args.format === 'json') {
        process.stdout.write(
          `${JSON.stringify(
            outcomes.map((o) => runSummaryJson(store, store.getRun(o.run.id)!, o.cached)),
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(`${formatRunSummary(store, outcomes, (performance.now() - started) / 1000)}\n`);
      }
      if (args.report && !controller.signal.aborted && !(args.detach && slurm?.queued)) {
        const report = writeReportAfterRun(args.store, args.reportOut);
        if (report) await attachReportToMirroredRuns(store, mlflowSource, report, outcomes);
      }
      if (controller.signal.aborted) process.exitCode = 130;
      else if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
    } finally {
      store.close();
    }
  },
};

function formatDryRun(
  store: RunStore,
  runs: readonly {
    key: string;
    experiment: string;
    seed: number;
    method: string;
    sweepPoint: Record<string, unknown>;
  }[],
): string {
  const lines = runs.map((run) => {
    const existing = store.findRunByKey(run.key);
    const state =
      existing?.status === 'finished'
        ? 'cached'
        : existing
          ? `resume (${existing.status}${existing.phase ? ` in ${existing.phase}` : ''})`
          : 'new';
    const point = Object.entries(run.sweepPoint)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    return `  ${state.padEnd(24)} ${run.experiment} seed ${run.seed}${point ? ` ${point}` : ''}  [${run.key.slice(0, 12)}]`;
  });
  return [`${runs.length} runs planned (nothing run: --dry-run)`, ...lines].join('\n');
}

/** The report is the last step: if it fails, every run is already in the store, so say so and go on. */
export function writeReportAfterRun(storePath: string, out: string | undefined): string | undefined {
  try {
    const written = writeReportFile({ storePath, out });
    process.stdout.write(`report: ${written.path}\n`);
    return written.path;
  } catch (error) {
    process.stderr.write(
      `skillbench: the report could not be written (${describeError(error)}); the runs are in ${storePath}, retry with \`skillbench report\`\n`,
    );
    process.exitCode = 1;
    return undefined;
  }
}

/**
 * With MLflow configured, the report joins the artifacts of the runs this invocation finished
 * (a snapshot in each run's artifact folder, so later reports do not change what was recorded)
 * and is mirrored with them.
 */
export async function attachReportToMirroredRuns(
  store: RunStore,
  source: StoreMlflowSource,
  reportPath: string,
  outcomes: readonly RunOutcome[],
): Promise<void> {
  if (!process.env.MLFLOW_TRACKING_URI) return;
  for (const outcome of outcomes) {
    if (outcome.status !== 'finished' || outcome.cached) continue;
    const snapshot = join(store.artifactRoot(), outcome.run.key, 'report', basename(reportPath));
    mkdirSync(dirname(snapshot), { recursive: true });
    copyFileSync(reportPath, snapshot);
    store.addArtifact(outcome.run.id, `report/${basename(reportPath)}`, snapshot);
    await mirrorRunIfConfigured(source, outcome.run.key);
  }
}

/**
 * Re-scores a finished run for the report right away (tens of milliseconds), so the report at the
 * end only reads. A problem here is reported and costs nothing but speed later.
 */
export function prepareReport(store: RunStore, runId: number, log: (line: string) => void): void {
  try {
    for (const problem of warmReportCache(store, [runId]).problems) log(`note: report cache: ${problem}`);
  } catch (error) {
    log(
      `note: could not prepare run ${runId} for the report (${describeError(error)}); the report will re-score it`,
    );
  }
}
