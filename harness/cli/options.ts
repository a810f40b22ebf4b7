/** Options and defaults shared by several commands. */
import { dirname, resolve } from 'node:path';

export const DEFAULT_STORE_PATH = '.skillbench/runs.db';

export interface StoreArgs {
  store: string;
}

/**
 * The Slurm executor's work directory when --work-dir is not given: the store's folder, so that
 * runs keep their artifacts in the same place (<folder>/artifacts/<key>) whichever executor ran them.
 */
export function defaultWorkDir(storePath: string): string {
  return dirname(resolve(storePath));
}
