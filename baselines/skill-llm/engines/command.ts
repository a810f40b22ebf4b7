import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface CommandOptions {
  cwd: string;
  /** every line of output (stdout and stderr; tqdm's carriage-return updates count as lines) */
  onLine(line: string): void;
  /** the whole output goes here too */
  logFile: string;
  signal: AbortSignal;
}

/**
 * Runs a command (no shell), streaming its output line by line. Resolves when it exits with 0;
 * rejects with the exit code and the last lines of output otherwise, or when the signal aborts it
 * (the command gets SIGTERM).
 */
export function runCommand(command: readonly string[], options: CommandOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    // a log that cannot be written must not take the process down; the output still streams
    log.on('error', () => {});
    const tail: string[] = [];
    const child = spawn(command[0], command.slice(1), {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      killSignal: 'SIGTERM',
    });
    const reader = () => {
      let pending = '';
      return (chunk: Buffer) => {
        log.write(chunk);
        pending += chunk.toString('utf8');
        const lines = pending.split(/\r\n|\r|\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          tail.push(line);
          if (tail.length > 20) tail.shift();
          options.onLine(line);
        }
      };
    };
    child.stdout.on('data', reader());
    child.stderr.on('data', reader());
    // settle only when the log is flushed and closed, so nothing writes after the caller goes on
    const settle = (error?: Error) => log.end(() => (error ? reject(error) : resolve()));
    child.on('error', (error) => {
      settle(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`command not found: ${command[0]}`)
          : error,
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) settle();
      else
        settle(
          new Error(
            `${command.join(' ')} exited with ${code ?? signal} (log: ${options.logFile}); last output:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}

/** The command with `{yaml}` replaced by the step's YAML file. */
export function commandFor(template: readonly string[], yaml: string): string[] {
  return template.map((part) => part.replaceAll('{yaml}', yaml));
}
