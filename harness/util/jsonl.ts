import { readFileSync } from 'node:fs';
import { InputError } from './errors.ts';

export interface JsonlLine {
  /** 1-based line number in the file */
  line: number;
  value: unknown;
}

/** Reads a JSONL file; blank lines are skipped, anything else must be JSON. */
export function readJsonl(path: string): JsonlLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? error})`, path);
  }
  return parseJsonl(text, path);
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
