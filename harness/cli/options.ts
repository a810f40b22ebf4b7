/** Options and defaults shared by several commands. */
export const DEFAULT_STORE_PATH = '.skillbench/runs.db';

export interface StoreArgs {
  store: string;
}
