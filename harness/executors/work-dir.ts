/**
 * The work directory of the Slurm executor: a folder every compute node and the head see at the
 * same path (a shared filesystem). Workers write only here, never to the SQLite store:
 *
 *   <work>/artifacts/<key>/          the run's artifact folder (checkpoints, predictions/*.jsonl,
 *                                    scores/), laid out as the local executor's .skillbench/artifacts
 *   <work>/runs/<key>/run.json       what to run: the spec, its experiment and the plugins to load
 *   <work>/runs/<key>/journal.jsonl  what happened: events appended by every attempt (journal.ts)
 *   <work>/jobs/<token>.json         one submitted array: its job id, task index -> run key, resources
 *   <work>/jobs/<token>.keys         the keys its tasks read by $SLURM_ARRAY_TASK_ID (token: time +
 *                                    random, since a restarted slurmctld may reuse job ids)
 *   <work>/logs/<job id>_<task>.log  a task's stdout and stderr
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Resources } from '../experiments/schema.ts';
import type { ExperimentInfo } from '../tracking/store.ts';
import type { RunSpec } from '../tracking/types.ts';

/**
 * The work directory when none is given: the store's folder, so that runs keep their artifacts in
 * the same place (<folder>/artifacts/<key>) whichever executor ran them.
 */
export function defaultWorkDir(storePath: string): string {
  return dirname(resolve(storePath));
}

export interface RunTicket {
  spec: RunSpec;
  experiment: ExperimentInfo;
  /** plugin modules the worker loads before looking the method up (absolute paths) */
  plugins: string[];
}

export interface JobRecord {
  /** names the record's files */
  token: string;
  /** the array job id sbatch printed */
  jobId: string;
  /** keys[i] is run by array task i */
  keys: string[];
  experiment: string;
  resources: Resources;
  submittedAt: string;
}

const jobRecord = z.strictObject({
  token: z.string().regex(/^[\w-]+$/),
  jobId: z.string().regex(/^\d+$/),
  keys: z.array(z.string().min(1)),
  experiment: z.string(),
  resources: z.record(z.string(), z.unknown()),
  submittedAt: z.string(),
});

const KEY_PATTERN = /^[0-9a-f]{8,128}$/;

export class WorkDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  artifactRoot(): string {
    return join(this.root, 'artifacts');
  }

  runDir(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`"${key}" is not a run key (hex digits)`);
    return join(this.root, 'runs', key);
  }

  journalPath(key: string): string {
    return join(this.runDir(key), 'journal.jsonl');
  }

  logPath(taskId: string): string {
    return join(this.root, 'logs', `${taskId}.log`);
  }

  /** Writes a file so that a reader never sees half of it (write, then rename). */
  private writeAtomically(path: string, text: string): void {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, path);
  }

  writeTicket(ticket: RunTicket): void {
    mkdirSync(this.runDir(ticket.spec.key), { recursive: true });
    this.writeAtomically(
      join(this.runDir(ticket.spec.key), 'run.json'),
      `${JSON.stringify(ticket, null, 1)}\n`,
    );
  }

  readTicket(key: string): RunTicket {
    const path = join(this.runDir(key), 'run.json');
    if (!existsSync(path))
      throw new Error(`no run ${key} in the work directory ${this.root} (missing ${path})`);
    const ticket = JSON.parse(readFileSync(path, 'utf8')) as RunTicket;
    if (
      ticket?.spec?.key !== key ||
      typeof ticket.experiment?.name !== 'string' ||
      !Array.isArray(ticket.plugins)
    ) {
      throw new Error(`${path} is not a run ticket for ${key}`);
    }
    return ticket;
  }

  /** Keys of every run with a ticket, sorted. */
  runKeys(): string[] {
    const dir = join(this.root, 'runs');
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => KEY_PATTERN.test(name))
          .sort()
      : [];
  }

  writeKeys(token: string, keys: readonly string[]): string {
    mkdirSync(join(this.root, 'jobs'), { recursive: true });
    const path = join(this.root, 'jobs', `${token}.keys`);
    this.writeAtomically(path, `${keys.join('\n')}\n`);
    return path;
  }

  writeJob(job: JobRecord): void {
    mkdirSync(join(this.root, 'jobs'), { recursive: true });
    this.writeAtomically(join(this.root, 'jobs', `${job.token}.json`), `${JSON.stringify(job, null, 1)}\n`);
  }

  /** Every submitted array, oldest first (a later submission of a key supersedes earlier ones). */
  jobs(): JobRecord[] {
    const dir = join(this.root, 'jobs');
    if (!existsSync(dir)) return [];
    const jobs = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => {
        const path = join(dir, name);
        const parsed = jobRecord.safeParse(JSON.parse(readFileSync(path, 'utf8')));
        if (!parsed.success) throw new Error(`${path}: not a job record (${parsed.error.issues[0].message})`);
        return parsed.data as JobRecord;
      });
    return jobs.sort(
      (a, b) => a.submittedAt.localeCompare(b.submittedAt) || Number(a.jobId) - Number(b.jobId),
    );
  }

  /** The latest task each run key was submitted as (`<job>_<index>`). */
  latestTasks(): Map<string, string> {
    const tasks = new Map<string, string>();
    for (const job of this.jobs()) {
      for (const [index, key] of job.keys.entries()) tasks.set(key, `${job.jobId}_${index}`);
    }
    return tasks;
  }
}
