/** Problems found in experiment files, each located by file, line, column and key path. */
import { InputError } from '../util/errors.ts';

export type KeyPath = readonly (string | number)[];

export interface Problem {
  severity: 'error' | 'warning';
  /** the file as given (relative to the working directory when inside it) */
  file: string;
  /** 1-based; absent when the problem concerns the file as a whole */
  line?: number;
  column?: number;
  /** the key path inside the experiment document (`params.lr`, `seeds[2]`); empty for none */
  path: KeyPath;
  message: string;
}

/** `params.lr`, `seeds[2]`, `sweep["optimizer.lr"][0]` */
export function formatKeyPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `experiments/x.yaml:12:7 params.lr: expected number, got "1e-4x"` (warnings say so). */
export function formatProblem(problem: Problem): string {
  const where =
    problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  const path = formatKeyPath(problem.path);
  const severity = problem.severity === 'warning' ? ' warning:' : '';
  return `${where}${severity} ${path ? `${path}: ` : ''}${problem.message}`;
}

/** By file, then position; exact repeats (the same base params checked once per profile) dropped. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((problem) => {
    const key = formatProblem(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

/**
 * Experiment files with errors. An InputError (the CLI prints the message and exits 2); the
 * message lists every error, one located line each.
 */
export class ExperimentError extends InputError {
  constructor(readonly problems: readonly Problem[]) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    super(
      [
        `${errors.length} error${errors.length === 1 ? '' : 's'} in experiment files:`,
        ...errors.map(formatProblem),
      ].join('\n'),
    );
  }
}
