/** Where the tracking store lives unless told otherwise (`--store`, the session's `store`). */
export const DEFAULT_STORE_PATH = '.skillbench/runs.db';
