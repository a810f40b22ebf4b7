import test from 'ava';
import {
  expandTaskRange,
  parseSacct,
  parseSbatchParsable,
  parseScontrolJobs,
  parseSqueueJson,
} from '../../harness/executors/slurm/parse.ts';

// recorded from Debian's slurm-wlm 22.05.8 (trimmed to the fields read)
const SQUEUE = JSON.stringify({
  meta: {},
  errors: [],
  jobs: [
    {
      job_id: 7,
      array_job_id: 5,
      array_task_id: 0,
      array_task_string: '',
      job_state: 'COMPLETED',
      state_reason: 'None',
      exit_code: 0,
    },
    {
      job_id: 8,
      array_job_id: 5,
      array_task_id: 1,
      array_task_string: '',
      job_state: 'RUNNING',
      state_reason: 'None',
      exit_code: 0,
    },
    {
      job_id: 5,
      array_job_id: 5,
      array_task_id: null,
      array_task_string: '2-4%2',
      job_state: 'PENDING',
      state_reason: 'JobArrayTaskLimit',
      exit_code: 0,
    },
    {
      job_id: 9,
      array_job_id: 0,
      array_task_id: null,
      array_task_string: '',
      job_state: 'TIMEOUT',
      state_reason: 'TimeLimit',
      exit_code: 256,
    },
  ],
});

test('squeue --json: one state per task, pending array remainders expanded', (t) => {
  t.deepEqual(parseSqueueJson(SQUEUE), [
    { id: '5_0', state: 'COMPLETED', reason: undefined },
    { id: '5_1', state: 'RUNNING', reason: undefined },
    { id: '5_2', state: 'PENDING', reason: 'JobArrayTaskLimit' },
    { id: '5_3', state: 'PENDING', reason: 'JobArrayTaskLimit' },
    { id: '5_4', state: 'PENDING', reason: 'JobArrayTaskLimit' },
    { id: '9', state: 'TIMEOUT', reason: 'TimeLimit' },
  ]);
  t.throws(() => parseSqueueJson('squeue: error: Invalid user'), {
    message: /squeue --json printed text that is not JSON/,
  });
  t.throws(() => parseSqueueJson('{"jobs":[{"job_id":"x"}]}'), { message: /squeue --json: jobs\.0\.job_id/ });
});

test('scontrol show job -o: key=value records, values with spaces, array ranges', (t) => {
  const out = [
    'JobId=12 ArrayJobId=11 ArrayTaskId=1 JobName=skillbench:lexicon UserId=root(0) JobState=CANCELLED Reason=None ExitCode=0:15 Command=/w/jobs/a b.sh StdOut=/w/logs/11_1.log',
    'JobId=11 ArrayJobId=11 ArrayTaskId=2-3 JobName=x JobState=PENDING Reason=Priority ExitCode=0:0',
    'JobId=20 JobName=wrap JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0',
    '',
  ].join('\n');
  t.deepEqual(parseScontrolJobs(out), [
    { id: '11_1', state: 'CANCELLED', reason: undefined, exitCode: '0:15' },
    { id: '11_2', state: 'PENDING', reason: 'Priority', exitCode: '0:0' },
    { id: '11_3', state: 'PENDING', reason: 'Priority', exitCode: '0:0' },
    { id: '20', state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '1:0' },
  ]);
  t.throws(() => parseScontrolJobs('slurm_load_jobs error: Invalid job id specified'), {
    message: /without JobId or JobState/,
  });
});

test('sbatch --parsable and sacct -P', (t) => {
  t.is(parseSbatchParsable('42\n'), '42');
  t.is(parseSbatchParsable('42;cluster\n'), '42');
  t.throws(() => parseSbatchParsable('sbatch: error: Batch job submission failed'), {
    message: /not a job id/,
  });
  t.deepEqual(parseSacct('30_0|COMPLETED|0:0\n30_1|CANCELLED by 0|0:15\n30_[2-3]|PENDING|0:0\n'), [
    { id: '30_0', state: 'COMPLETED', exitCode: '0:0' },
    { id: '30_1', state: 'CANCELLED', exitCode: '0:15' },
    { id: '30_2', state: 'PENDING', exitCode: '0:0' },
    { id: '30_3', state: 'PENDING', exitCode: '0:0' },
  ]);
  t.deepEqual(expandTaskRange('1,3,5-9:2'), [1, 3, 5, 7, 9]);
  t.throws(() => expandTaskRange('a-b'), { message: /not N, N-M/ });
});
