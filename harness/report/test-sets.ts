/**
 * The gold test sentences a row was scored on, loaded once per (file, hash, limit). A file whose
 * bytes changed since the runs were recorded is reported as unavailable: its predictions cannot be
 * re-scored, so the row keeps only its stored numbers.
 */
import { dirname } from 'node:path';
import { loadDataset } from '../data/datasets.ts';
import type { Sentence } from '../data/types.ts';
import { type ResampleUnit, resamplingBlocks } from '../eval/resampling.ts';
import { type DatasetBinding, datasetSource } from '../tracking/types.ts';
import { describeError } from '../util/errors.ts';
import { testSetId } from './configurations.ts';
import type { TestSetInfo } from './model-types.ts';

export interface TestSet {
  info: TestSetInfo;
  gold?: Sentence[];
  problem?: string;
}

/** Below this many documents, `auto` resamples sentences (a bootstrap over a handful of documents says little). */
export const MIN_DOCUMENTS = 20;

export class TestSets {
  private readonly loaded = new Map<string, TestSet>();

  constructor(private readonly unit: ResampleUnit | 'auto') {}

  get(binding: DatasetBinding, experimentFile: string): TestSet {
    const id = testSetId(binding);
    let entry = this.loaded.get(id);
    if (!entry) {
      entry = load(binding, experimentFile, id, this.unit);
      this.loaded.set(id, entry);
    }
    return entry;
  }

  all(): TestSet[] {
    return [...this.loaded.values()];
  }
}

function load(
  binding: DatasetBinding,
  experimentFile: string,
  id: string,
  unit: ResampleUnit | 'auto',
): TestSet {
  const fallback: ResampleUnit = unit === 'auto' ? 'sentence' : unit;
  const base = { id, ref: binding.ref, hash: binding.hash, limit: binding.limit, unit: fallback };
  try {
    // what the runner loaded: a bundled ref by name, a file by the absolute path it resolved to
    const { sentences, hash } = loadDataset(datasetSource(binding), dirname(experimentFile));
    if (hash !== binding.hash) {
      return {
        info: { ...base, sentences: 0, documents: 0, available: false },
        problem: `${binding.ref} changed since the runs were recorded (sha256 ${hash.slice(0, 12)}, runs used ${binding.hash.slice(0, 12)}): predictions were not re-scored`,
      };
    }
    const gold = binding.limit === undefined ? sentences : sentences.slice(0, binding.limit);
    const documents = resamplingBlocks(gold, 'document').length - 1;
    const chosen: ResampleUnit =
      unit === 'auto' ? (documents >= MIN_DOCUMENTS ? 'document' : 'sentence') : unit;
    return { info: { ...base, sentences: gold.length, documents, available: true, unit: chosen }, gold };
  } catch (error) {
    return {
      info: { ...base, sentences: 0, documents: 0, available: false },
      problem: `cannot load ${binding.ref}: ${describeError(error)}`,
    };
  }
}
