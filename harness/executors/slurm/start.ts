/**
 * The run session's Slurm side: submit (or follow what is already queued), follow with
 * the progress board until the tasks end, or return at once with --detach.
 */
import { delimiter, resolve } from 'node:path';
import type { PlannedExperiment } from '../../experiments/plan.ts';
import type { ExecutorName } from '../../experiments/schema.ts';
import type { RunOutcome } from '../../runner/execute-run.ts';
import type { ProgressBoard } from '../../runner/progress.ts';
import type { RunStore } from '../../tracking/store.ts';
import type { RunRecord } from '../../tracking/types.ts';
import { WorkDir } from '../work-dir.ts';
import { followRuns, submitRuns } from './executor.ts';

/** Splits the experiments between executors: `--executor` for all, else each file's own choice. */
export function byExecutor(
  experiments: readonly PlannedExperiment[],
  flag: ExecutorName | undefined,
): Record<ExecutorName, PlannedExperiment[]> {
  const split: Record<ExecutorName, PlannedExperiment[]> = { local: [], slurm: [] };
  for (const experiment of experiments) split[flag ?? experiment.executor ?? 'local'].push(experiment);
  return split;
}

/** Plugin files as absolute paths (flags and SKILLBENCH_PLUGINS), for workers to load. */
export function pluginPaths(flags: readonly string[], env = process.env): string[] {
  const fromEnv = env.SKILLBENCH_PLUGINS?.split(delimiter).filter(Boolean) ?? [];
  return [...new Set([...fromEnv, ...flags].map((file) => resolve(file)))];
}

export interface SlurmRunOptions {
  store: RunStore;
  workDir: string;
  plugins: string[];
  force: boolean;
  detach: boolean;
  board: ProgressBoard;
  signal: AbortSignal;
  afterRun(run: RunRecord): Promise<void>;
}

export interface SlurmRun {
  /** runs that need no job (cached, skipped) */
  done: RunOutcome[];
  /** submitted or already queued; follow() waits for them */
  queued: number;
  follow(): Promise<RunOutcome[]>;
}

export async function startSlurmRuns(
  experiments: readonly PlannedExperiment[],
  options: SlurmRunOptions,
): Promise<SlurmRun> {
  const workDir = new WorkDir(options.workDir);
  const submission = await submitRuns(experiments, {
    store: options.store,
    workDir,
    plugins: options.plugins,
    force: options.force,
    log: (line) => options.board.print(line),
  });
  const specs = experiments
    .flatMap((experiment) => experiment.runs)
    .filter(
      (spec, index, all) =>
        submission.tasks.has(spec.key) && all.findIndex((other) => other.key === spec.key) === index,
    );
  if (options.detach && specs.length > 0) {
    options.board.print(
      `${specs.length} run(s) queued on Slurm (${[...new Set(specs.map((spec) => submission.tasks.get(spec.key)!.split('_')[0]))].join(', ')}); \`skillbench collect --work-dir ${workDir.root}\` brings in what has finished`,
    );
  }
  return {
    done: submission.done,
    queued: specs.length,
    follow: async () => {
      if (options.detach || specs.length === 0) return [];
      const outcomes = await followRuns(specs, {
        store: options.store,
        workDir,
        board: options.board,
        signal: options.signal,
        afterRun: options.afterRun,
      });
      if (options.signal.aborted) {
        options.board.print(
          `stopped following; the Slurm jobs go on. \`skillbench collect --work-dir ${workDir.root}\` (or \`run\` again) brings them in`,
        );
      }
      return outcomes;
    },
  };
}
