import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const experiment = `name: lex
method: lexicon
seeds: [1, 2, 3]
dataset:
  limit: { train: 50, dev: 20, test: 30 }
`;

/** A server that accepts connections and never answers (a hung MLflow). */
async function hungServer(t: import('ava').ExecutionContext): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** A store with one finished lexicon run, made without MLflow. */
async function storeWithOneRun(t: import('ava').ExecutionContext): Promise<string> {
  const dir = tempDir(t);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, experiment.replace('seeds: [1, 2, 3]\n', ''));
  const store = join(dir, 'runs.db');
  const run = await runCli(['run', '--no-report', file, '--store', store], {
    env: { MLFLOW_TRACKING_URI: '' },
  });
  t.is(run.code, 0, run.stderr);
  return store;
}

test('a hung MLflow server costs an invocation a few seconds, not seconds per run', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'lex.yaml');
  writeFileSync(file, experiment);
  const url = await hungServer(t);

  const hung = await runCli(['run', '--no-report', file, '--store', join(dir, 'runs.db')], {
    env: { MLFLOW_TRACKING_URI: url },
  });
  t.is(hung.code, 0, hung.stderr);
  t.is(hung.stderr.match(/MLflow mirror of run .* failed/g)?.length, 1, hung.stderr);
  const note =
    /note: 3 run\(s\) not mirrored to MLflow \(the MLflow server did not answer.*; ([\d.]+) s spent on MLflow\)/.exec(
      hung.stderr,
    );
  t.truthy(note, hung.stderr);
  // before: 15 s after each run (45 s here); now one request timeout and one retry in all, in the
  // background while the other runs went on
  t.true(Number(note?.[1]) < 8, `${note?.[1]} s spent on MLflow`);
});

test('`mlflow sync` stops at its deadline when the server hangs', async (t) => {
  const store = await storeWithOneRun(t);
  const url = await hungServer(t);
  const sync = await runCli(['mlflow', 'sync', '--store', store, '--timeout', '1.5'], {
    env: { MLFLOW_TRACKING_URI: url },
  });
  t.is(sync.code, 1, sync.stderr);
  t.regex(sync.stdout, /stopped: the 1\.5 s deadline of this sync passed/);
  // the sync's own duration, as its summary says (the process start is not the sync's)
  const seconds = Number(/MLflow sync to \S+ \(([\d.]+) s\)/.exec(sync.stdout)?.[1]);
  t.true(
    seconds < 5,
    `the sync took ${seconds} s: it stopped at its deadline, not after its requests' timeouts`,
  );
});

test('credentials a server echoes or the tracking URI holds never reach the output', async (t) => {
  const store = await storeWithOneRun(t);
  const token = 'tok-Very-Secret-4711';
  // a server that echoes the request's headers in its error
  const server = createHttpServer((request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error_code: 'BAD_REQUEST',
        message: `rejected request with Authorization: ${request.headers.authorization} \u001b[2J`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const echoed = await runCli(['mlflow', 'sync', '--store', store], {
    env: { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token },
  });
  t.is(echoed.code, 1);
  const output = echoed.stdout + echoed.stderr;
  t.regex(output, /Authorization: \[redacted\]/);
  t.false(output.includes(token));
  t.false(output.includes('\u001b'), 'no escape sequence reaches the terminal');

  const inUri = await runCli(['mlflow', 'sync', '--store', store], {
    env: { MLFLOW_TRACKING_URI: `${url}/?token=${token}` },
  });
  t.is(inUri.code, 2);
  t.regex(inUri.stderr, /token=\[redacted\]/);
  t.false((inUri.stdout + inUri.stderr).includes(token));
});
