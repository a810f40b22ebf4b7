import { existsSync } from 'node:fs';
import { RunStore } from '../tracking/store.ts';
import { InputError } from '../util/errors.ts';

/** Opens the store for commands that only read it: a missing file is the user's mistake, not an empty store. */
export function openExistingStore(path: string): RunStore {
  if (path !== ':memory:' && !existsSync(path)) {
    throw new InputError(`no tracking store at ${path} (run experiments first, or pass --store)`);
  }
  const store = new RunStore(path);
  store.reapAbandonedRuns();
  return store;
}

export function parseRunId(raw: unknown): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0)
    throw new InputError(`run id must be a positive integer, got "${String(raw)}"`);
  return id;
}
