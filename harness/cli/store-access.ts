import { existsSync } from 'node:fs';
import { RunStore } from '../tracking/store.ts';
import { InputError } from '../util/errors.ts';

/**
 * Opens the store for commands that do not run experiments: a missing file is the user's mistake,
 * not an empty store. `readonly` commands (listing, showing, exporting) never write to it; the
 * others first mark runs whose process is gone as interrupted.
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

export function parseRunId(raw: unknown): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0)
    throw new InputError(`run id must be a positive integer, got "${String(raw)}"`);
  return id;
}
