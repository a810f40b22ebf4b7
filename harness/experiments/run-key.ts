/**
 * The run key: what a run computes, content-addressed. Same key = same result, so a finished run
 * with the key is never redone. Names, descriptions, tags, profiles and published numbers of
 * model runs do not enter it; any param, seed, dataset byte, limit, method version or byte of a
 * file the method fingerprints (Method.fingerprint) does.
 */

import { canonicalJson, sha256 } from '../util/hash.ts';
import type { DatasetLimit } from './schema.ts';

export interface RunKeyInput {
  method: string;
  methodVersion: string;
  /** params after the method's schema (defaults applied) */
  params: Record<string, unknown>;
  seed: number;
  /** sha256 of each split file's bytes; absent splits are left out */
  datasetHashes: { train?: string; dev?: string; test: string };
  limit: DatasetLimit;
  /** Method.fingerprint: hashes of inputs the params point at (an imported file, a model folder) */
  fingerprint?: Record<string, string>;
}

export function runKey(input: RunKeyInput): string {
  const split = (hash: string | undefined, limit: number | undefined) =>
    hash === undefined ? undefined : { hash, limit };
  return sha256(
    canonicalJson({
      method: input.method,
      methodVersion: input.methodVersion,
      params: input.params,
      seed: input.seed,
      dataset: {
        train: split(input.datasetHashes.train, input.limit.train),
        dev: split(input.datasetHashes.dev, input.limit.dev),
        test: split(input.datasetHashes.test, input.limit.test),
      },
      fingerprint: input.fingerprint,
    }),
  );
}
