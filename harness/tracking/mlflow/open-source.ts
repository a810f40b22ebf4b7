import { openExistingStore } from '../open-store.ts';
import type { MlflowSource } from './source.ts';
import { StoreMlflowSource } from './store-source.ts';

/** An MlflowSource that holds a resource (the SQLite file) until closed. */
export type OpenedMlflowSource = MlflowSource & { close(): void };

/** Opens the tracking store at `storePath` as the mirror's source (a missing store is an InputError). */
export function openMlflowSource(storePath: string): OpenedMlflowSource {
  const store = openExistingStore(storePath);
  const source = new StoreMlflowSource(store);
  return {
    listRuns: (filter) => source.listRuns(filter),
    getMapping: (runKey, uri) => source.getMapping(runKey, uri),
    setMapping: (runKey, uri, mapping) => source.setMapping(runKey, uri, mapping),
    close: () => store.close(),
  };
}
