/**
 * A run that hits its Slurm time limit (the smallest Slurm has: 1 minute, enforced up to 35 s
 * late) is recorded as TIMEOUT and finishes on the next `run` from its checkpoint. In its own file
 * so that its minute of waiting overlaps the other test files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { projectPath } from '../../harness/util/paths.ts';
import { runCli } from '../helpers/cli.ts';
import { slurmUnavailable } from '../helpers/slurm.ts';
import { tempDir } from '../helpers/tmp.ts';

const env = { SKILLBENCH_PLUGINS: projectPath('test', 'fixtures', 'plugins', 'test-methods.ts') };

test('a run that hits its time limit is recorded as TIMEOUT and the next run finishes it', async (t) => {
  const reason = await slurmUnavailable();
  if (reason) {
    t.log(`skipped: ${reason}`);
    return t.pass();
  }
  const dir = tempDir(t);
  const calls = join(dir, 'calls.txt');
  const file = join(dir, 'limited.yaml');
  // slurmctld checks time limits every 30 s, so a 1-minute limit ends a task after 60 to 95 s:
  // 120 one-second epochs never fit in one task; two or three tasks finish them
  writeFileSync(
    file,
    `name: limited\nmethod: test-oracle\nexecutor: slurm\nresources: { time: "1" }\nparams: { delay_ms: 1000, epochs: 120, calls_file: ${JSON.stringify(calls)} }\ndataset: { limit: { train: 5, dev: 2, test: 2 } }\n`,
  );
  const store = join(dir, 'runs.db');
  const first = await runCli(['run', file, '--store', store, '--no-report', '--format', 'json'], {
    env,
    timeoutMs: 200_000,
  });
  t.is(first.code, 1, first.stderr); // a failed run: exit 1
  const [timedOut] = JSON.parse(first.stdout) as { id: number; status: string; job: { state: string } }[];
  t.is(timedOut.status, 'failed');
  t.is(timedOut.job.state, 'TIMEOUT');
  const show = await runCli(['runs', 'show', String(timedOut.id), '--store', store]);
  t.regex(show.stdout, /ended TIMEOUT .*in phase train; rerun to resume/);
  const epochsBefore = readFileSync(calls, 'utf8').match(/^train epoch/gm)?.length ?? 0;
  t.true(epochsBefore > 30 && epochsBefore < 120, `${epochsBefore} epochs in the first minute`);
  let finished: { status: string; job: { state: string } } | undefined;
  for (let attempt = 0; attempt < 3 && finished?.status !== 'finished'; attempt++) {
    const again = await runCli(['run', file, '--store', store, '--no-report', '--format', 'json'], {
      env,
      timeoutMs: 200_000,
    });
    [finished] = JSON.parse(again.stdout);
  }
  t.is(finished?.status, 'finished');
  // the task may still hit the limit while exiting after the run finished: it stays finished
  t.true(['COMPLETED', 'TIMEOUT'].includes(finished?.job.state ?? ''), finished?.job.state);
  const epochs = readFileSync(calls, 'utf8').match(/^train epoch \d+$/gm) ?? [];
  t.deepEqual(
    epochs,
    Array.from({ length: 120 }, (_, i) => `train epoch ${i + 1}`),
    'no epoch trained twice',
  );
});
