import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from './errors.ts';

export interface JsonlLine {
  /** 1-based line number in the file */
  line: number;
  value: unknown;
}

function readError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? error})`, path);
}

/** Reads a JSONL file; blank lines are skipped, anything else must be JSON. */
export function readJsonl(path: string): JsonlLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw readError(path, error);
  }
  return parseJsonl(text, path);
}

/**
 * The lines of a JSONL file one at a time (read in 1 MiB chunks): a caller that stops early, at a
 * line too many, never reads or parses the rest. Blank lines are skipped.
 */
export function* streamJsonl(path: string): Generator<JsonlLine> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw readError(path, error);
  }
  try {
    const buffer = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let line = 0;
    const parse = function* (row: string): Generator<JsonlLine> {
      line++;
      const trimmed = row.trim();
      if (trimmed === '') return;
      try {
        yield { line, value: JSON.parse(trimmed) };
      } catch (error) {
        if (error instanceof SyntaxError)
          throw new InputError(`not valid JSON (${error.message})`, path, line);
        throw error;
      }
    };
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      pending += decoder.write(buffer.subarray(0, read));
      const rows = pending.split('\n');
      pending = rows.pop() ?? '';
      for (const row of rows) yield* parse(row);
    }
    pending += decoder.end();
    if (pending !== '') yield* parse(pending);
  } finally {
    closeSync(fd);
  }
}

export function parseJsonl(text: string, path: string): JsonlLine[] {
  const lines: JsonlLine[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].trim();
    if (row === '') continue;
    try {
      lines.push({ line: i + 1, value: JSON.parse(row) });
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message})`, path, i + 1);
    }
  }
  return lines;
}
