import { existsSync } from 'node:fs';
import { InputError } from '../util/errors.ts';
import { RunStore } from './store.ts';

/** Opens the store for what only reads it: a missing file is the user's mistake, not an empty store. */
export function openExistingStore(path: string): RunStore {
  if (path !== ':memory:' && !existsSync(path)) {
    throw new InputError(`no tracking store at ${path} (run experiments first, or pass --store)`);
  }
  const store = new RunStore(path);
  store.reapAbandonedRuns();
  return store;
}
