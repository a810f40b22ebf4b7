/**
 * The Slurm executor: pending runs become array tasks (one array per experiment and resource
 * class) that run `skillbench worker <key>`; the head follows them with the progress board and
 * ingests their journals. Ctrl-C stops following, never the jobs: `skillbench collect` picks up
 * later, from any machine that sees the work directory.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { experimentInfo, type PlannedExperiment } from '../../experiments/plan.ts';
import type { Resources } from '../../experiments/schema.ts';
import { getMethod } from '../../methods/registry.ts';
import type { RunOutcome } from '../../runner/execute-run.ts';
import type { ProgressBoard } from '../../runner/progress.ts';
import { describeOutcome } from '../../runner/runner.ts';
import type { RunStore } from '../../tracking/store.ts';
import type { RunRecord, RunSpec } from '../../tracking/types.ts';
import { projectPath } from '../../util/paths.ts';
import { pause } from '../../util/pause.ts';
import { ingestRun } from '../ingest.ts';
import { readJournal } from '../journal.ts';
import type { WorkDir } from '../work-dir.ts';
import { sbatch, scancel, taskStates } from './commands.ts';
import { ENDED_STATES, type TaskState } from './parse.ts';

export interface SubmitOptions {
  store: RunStore;
  workDir: WorkDir;
  /** plugin modules workers load (absolute paths) */
  plugins: string[];
  force?: boolean;
  log(line: string): void;
}

export interface Submission {
  /** runs that need no job: finished before (cached) or skipped here (method unavailable) */
  done: RunOutcome[];
  /** run key -> task id, for every run now queued or running (new submissions and earlier ones) */
  tasks: Map<string, string>;
}

/** sbatch options for a resource block. */
export function sbatchResourceOptions(resources: Resources): string[] {
  const options: string[] = [];
  if (resources.cpus !== undefined) options.push(`--cpus-per-task=${resources.cpus}`);
  if (resources.memory !== undefined) options.push(`--mem=${resources.memory}`);
  if (resources.gpus !== undefined) options.push(`--gpus=${resources.gpus}`);
  if (resources.time !== undefined) options.push(`--time=${resources.time}`);
  if (resources.partition !== undefined) options.push(`--partition=${resources.partition}`);
  if (resources.account !== undefined) options.push(`--account=${resources.account}`);
  return [...options, ...(resources.sbatch ?? [])];
}

/** The batch script: array task i runs the i-th key of the keys file. */
function writeBatchScript(workDir: WorkDir, token: string, keysFile: string): string {
  const path = join(workDir.root, 'jobs', `${token}.sh`);
  const node = process.env.SKILLBENCH_NODE ?? process.execPath;
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  writeFileSync(
    path,
    [
      '#!/bin/bash',
      '# written by skillbench: array task i runs the run key on line i+1 of the keys file',
      `key=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${quote(keysFile)})`,
      '[ -n "$key" ] || { echo "no run key for task $SLURM_ARRAY_TASK_ID" >&2; exit 2; }',
      `exec ${quote(node)} ${quote(projectPath('bin', 'skillbench.js'))} worker "$key" --work-dir ${quote(workDir.root)}`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

/**
 * Submits what is not finished: runs already finished are reused, runs whose task is still queued
 * or running are followed (not submitted twice), the rest are submitted. A run submitted again
 * resumes from its checkpoint and the predictions its journal already has.
 */
export async function submitRuns(
  experiments: readonly PlannedExperiment[],
  options: SubmitOptions,
): Promise<Submission> {
  const { store, workDir } = options;
  const done: RunOutcome[] = [];
  const tasks = new Map<string, string>();
  const specs = experiments.flatMap((experiment) => experiment.runs);
  const known = await collectRuns(
    store,
    workDir,
    specs.map((spec) => spec.key),
  );

  for (const experiment of experiments) {
    const toSubmit: RunSpec[] = [];
    for (const spec of experiment.runs) {
      if (tasks.has(spec.key) || toSubmit.some((other) => other.key === spec.key)) continue;
      let run = store.ensureRun(spec);
      const current = known.get(spec.key);
      const active = current?.task && !ENDED_STATES.has(current.task.state);
      if (options.force && run.status !== 'pending') {
        if (active && current?.task) await scancel([current.task.id]);
        forgetRun(store, workDir, run);
        run = store.getRun(run.id)!;
      } else if (run.status === 'finished') {
        done.push({ spec, run, status: 'finished', cached: true });
        continue;
      } else if (active && current?.task) {
        tasks.set(spec.key, current.task.id);
        continue;
      }
      const reason = await getMethod(spec.method)?.unavailable?.(spec.params as never, dirname(spec.file));
      if (reason) {
        store.updateRun(run.id, { status: 'skipped', skipReason: reason, phase: null, error: null });
        done.push({ spec, run: store.getRun(run.id)!, status: 'skipped', cached: false, message: reason });
        continue;
      }
      toSubmit.push(spec);
    }
    if (toSubmit.length === 0) continue;
    const token = `${Date.now()}-${randomBytes(4).toString('hex')}`;
    for (const spec of toSubmit) {
      workDir.writeTicket({
        spec,
        plugins: options.plugins,
        experiment: experimentInfo(experiment),
      });
    }
    const keys = toSubmit.map((spec) => spec.key);
    const keysFile = workDir.writeKeys(token, keys);
    const script = writeBatchScript(workDir, token, keysFile);
    mkdirSync(dirname(workDir.logPath('x')), { recursive: true });
    const jobId = await sbatch(
      [
        `--job-name=skillbench:${experiment.name}`,
        `--array=0-${keys.length - 1}`,
        `--output=${workDir.logPath('%A_%a')}`,
        '--open-mode=append',
        ...sbatchResourceOptions(experiment.resources),
      ],
      script,
    );
    workDir.writeJob({
      token,
      jobId,
      keys,
      experiment: experiment.name,
      resources: experiment.resources,
      submittedAt: new Date().toISOString(),
    });
    keys.forEach((key, index) => {
      const id = `${jobId}_${index}`;
      tasks.set(key, id);
      store.setRunJob(store.findRunByKey(key)!.id, { executor: 'slurm', id, state: 'PENDING' });
    });
    options.log(`submitted ${experiment.name}: ${keys.length} run(s) as Slurm array job ${jobId}`);
  }
  return { done, tasks };
}

/** --force: everything the run wrote goes (journal, artifacts, store rows), so it starts over. */
function forgetRun(store: RunStore, workDir: WorkDir, run: RunRecord): void {
  rmSync(workDir.journalPath(run.key), { force: true });
  rmSync(join(workDir.artifactRoot(), run.key), { recursive: true, force: true });
  store.resetRun(run.id);
  store.setJournalBytes(run.id, 0);
  store.setRunJob(run.id, null);
}

export interface CollectedRun {
  run: RunRecord;
  task?: TaskState & { id: string };
  /** the journal or the task's state changed in this call */
  changed: boolean;
  ended: boolean;
}

/**
 * Brings in what happened to the given runs (default: every run in the work directory) since the
 * last time: asks Slurm about their latest tasks and ingests their journals. Runs already finished
 * in the store whose journal did not grow cost a stat each.
 */
export async function collectRuns(
  store: RunStore,
  workDir: WorkDir,
  keys: readonly string[] = workDir.runKeys(),
): Promise<Map<string, CollectedRun>> {
  const latest = workDir.latestTasks();
  // a head killed between sbatch and writing the job record: the worker's journal names its task
  for (const key of keys) {
    if (latest.has(key)) continue;
    const attempts = readJournal(workDir.journalPath(key)).events.filter(
      (event) => event.event === 'attempt',
    );
    const job = attempts.at(-1)?.job;
    if (job) latest.set(key, job);
  }
  // ask Slurm only about tasks whose end the store has not seen yet
  const wanted = new Set<string>();
  for (const key of keys) {
    const task = latest.get(key);
    const job = store.findRunByKey(key)?.job;
    if (task && (job?.id !== task || !job.state || !ENDED_STATES.has(job.state))) wanted.add(task);
  }
  const jobs = [...new Set([...wanted].map((task) => task.split('_')[0]))];
  const states = wanted.size > 0 ? await taskStates(jobs, wanted) : new Map<string, TaskState>();
  const collected = new Map<string, CollectedRun>();
  for (const key of keys) {
    const taskId = latest.get(key);
    if (!taskId) continue; // never submitted from this work directory
    const found = states.get(taskId);
    const task = wanted.has(taskId) ? { ...(found ?? { state: 'UNKNOWN' }), id: taskId } : undefined;
    const result = ingestRun(store, workDir, key, task);
    collected.set(key, { ...result, task });
  }
  return collected;
}

export interface FollowOptions {
  store: RunStore;
  workDir: WorkDir;
  board: ProgressBoard;
  /** aborted: stop following (the jobs go on) */
  signal: AbortSignal;
  pollMs?: number;
  /** called once per run when its task ends (report cache, MLflow mirror) */
  afterRun?(run: RunRecord): Promise<void>;
}

/**
 * Follows the runs' tasks until each has ended (or the signal aborts), showing each run's progress
 * from its journal, ingesting journals as they grow and for good when a task ends.
 */
export async function followRuns(specs: readonly RunSpec[], options: FollowOptions): Promise<RunOutcome[]> {
  const { store, workDir, board } = options;
  const outcomes = new Map<string, RunOutcome>();
  const lines = new Map<string, FollowedLine>(
    specs.map((spec) => [
      spec.key,
      { line: board.line(`${spec.experiment} s${spec.seed} [slurm]`), offset: 0, phase: '', done: 0 },
    ]),
  );
  const pending = new Set(specs.map((spec) => spec.key));
  while (pending.size > 0 && !options.signal.aborted) {
    const collected = await collectRuns(store, workDir, [...pending]);
    for (const spec of specs) {
      if (!pending.has(spec.key)) continue;
      const follow = lines.get(spec.key)!;
      showProgress(workDir.journalPath(spec.key), follow);
      const result = collected.get(spec.key);
      const ended =
        !result || result.ended || (['finished', 'skipped'].includes(result.run.status) && !result.task);
      if (!ended) {
        if (result?.task && follow.phase === '')
          follow.line.status(
            `Slurm ${result.task.id} ${result.task.state}${result.task.reason ? ` (${result.task.reason})` : ''}`,
          );
        continue;
      }
      pending.delete(spec.key);
      const run = result?.run ?? store.findRunByKey(spec.key)!;
      const outcome: RunOutcome = {
        spec,
        run,
        status: run.status,
        cached: false,
        message: run.status === 'skipped' ? run.skipReason : run.error?.message,
      };
      outcomes.set(spec.key, outcome);
      follow.line.close(
        describeOutcome(
          `${spec.experiment} s${spec.seed}${result?.task ? ` (Slurm ${result.task.id} ${result.task.state})` : ''}`,
          outcome,
        ),
      );
      await options.afterRun?.(run);
    }
    if (pending.size > 0) await pause(options.pollMs ?? 1000, options.signal);
  }
  for (const key of pending) lines.get(key)!.line.close();
  return specs.filter((spec) => outcomes.has(spec.key)).map((spec) => outcomes.get(spec.key)!);
}

interface FollowedLine {
  line: ReturnType<ProgressBoard['line']>;
  /** journal bytes already read */
  offset: number;
  phase: string;
  done: number;
}

/** Replays the progress events a worker appended since the last look onto the run's board line. */
function showProgress(path: string, follow: FollowedLine): void {
  const { events, bytes } = readJournal(path, follow.offset);
  follow.offset = bytes;
  for (const event of events) {
    if (event.event !== 'progress') continue;
    if (event.phase !== follow.phase) {
      follow.phase = event.phase;
      follow.done = 0;
      follow.line.start(event.phase, event.total, event.unit);
    }
    follow.line.advance(event.done - follow.done);
    follow.done = event.done;
    if (event.status) follow.line.status(event.status);
  }
}
