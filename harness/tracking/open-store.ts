import { existsSync } from 'node:fs';
import { InputError } from '../util/errors.ts';
import { RunStore } from './store.ts';

/**
 * Opens the store for what does not run experiments: a missing file is the user's mistake, not an
 * empty store. `readonly` (listing, showing, exporting, reports) never writes to it; otherwise runs
 * whose process is gone are first marked interrupted.
 */
export function openExistingStore(path: string, options: { readonly?: boolean } = {}): RunStore {
  if (options.readonly) return new RunStore(path, { readonly: true });
  if (path !== ':memory:' && !existsSync(path)) {
    throw new InputError(`no tracking store at ${path} (run experiments first, or pass --store)`);
  }
  const store = new RunStore(path);
  store.reapAbandonedRuns();
  return store;
}
