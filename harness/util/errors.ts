import { safeText } from './safe-text.ts';

/**
 * An error in something the user gave us (a file, a flag, an experiment): the CLI prints its
 * message without a stack trace and exits with code 2. The message names the file and line.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    // messages quote files and servers: never print their credentials or control bytes
    super(safeText(file ? `${file}${line !== undefined ? `:${line}` : ''}: ${message}` : message));
  }
}

/** One error's message, safe to print and to store (see safeText). */
export function describeError(error: unknown): string {
  return safeText(error instanceof Error ? error.message : String(error));
}
