/**
 * Slurm executor bench (opt-in: `npm run bench -- slurm`; minutes): N one-second tasks (default
 * 100; SKILLBENCH_BENCH_TASKS to change) from one experiment file, from submission to every result
 * collected in the store, through the Slurm executor on the single-node Slurm of
 * scripts/slurm/start.sh, against the same runs through the local executor with as many runs at a
 * time as the node has CPUs (what Slurm runs at once). The difference, per task, is the executor's
 * overhead: scheduling, a worker process per task, the journal round trip.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiments } from '../harness/runner/session.ts';
import { projectPath } from '../harness/util/paths.ts';
import { slurmUnavailable } from '../test/helpers/slurm.ts';

/** Target: each task costs less than this much more under Slurm than in-process. */
export const TARGET_OVERHEAD_S = 3;

export interface SlurmBenchResult {
  tasks: number;
  parallel: number;
  localSeconds: number;
  slurmSeconds: number;
  overheadPerTask: number;
  pass: boolean;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

export async function runSlurmBench(): Promise<SlurmBenchResult[]> {
  const reason = await slurmUnavailable();
  if (reason) {
    console.log(`skipped: ${reason}`);
    return [];
  }
  const tasks = Number(process.env.SKILLBENCH_BENCH_TASKS ?? 100);
  const parallel = Number(execFileSync('sinfo', ['-h', '-o', '%c']).toString().trim().split('\n')[0]);
  const dir = mkdtempSync(join(tmpdir(), 'skillbench-slurm-bench-'));
  try {
    const file = join(dir, 'sleep.yaml');
    writeFileSync(
      file,
      [
        'name: sleep',
        'method: bench-sleep',
        'params: { seconds: 1 }',
        `sweep: { task: [${Array.from({ length: tasks }, (_, i) => i).join(', ')}] }`,
        'dataset: { train: null, dev: null, limit: { test: 1 } }',
        '',
      ].join('\n'),
    );
    const common = {
      files: [file],
      plugins: [projectPath('bench', 'slurm-sleep-method.ts')],
      report: false,
      progress: false as const,
      log: () => {},
    };
    const localSeconds = await timed(() =>
      runExperiments({ ...common, store: join(dir, 'local', 'runs.db'), jobs: parallel }),
    );
    const slurmSeconds = await timed(() =>
      runExperiments({ ...common, store: join(dir, 'slurm', 'runs.db'), executorName: 'slurm' }),
    );
    const overheadPerTask = ((slurmSeconds - localSeconds) * parallel) / tasks;
    const pass = overheadPerTask < TARGET_OVERHEAD_S;
    console.log(
      `${tasks} one-second tasks, ${parallel} at a time: local ${localSeconds.toFixed(1)} s, Slurm (submit to collected) ${slurmSeconds.toFixed(1)} s (x${(slurmSeconds / localSeconds).toFixed(2)})`,
    );
    console.log(
      `overhead per task ${overheadPerTask.toFixed(2)} s (target < ${TARGET_OVERHEAD_S} s) ${pass ? 'pass' : 'MISSED'}`,
    );
    return [{ tasks, parallel, localSeconds, slurmSeconds, overheadPerTask, pass }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
