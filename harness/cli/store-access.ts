import { InputError } from '../util/errors.ts';

export function parseRunId(raw: unknown): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0)
    throw new InputError(`run id must be a positive integer, got "${String(raw)}"`);
  return id;
}
