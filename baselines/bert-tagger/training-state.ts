import type { RngState } from '../neural/rng.ts';
import type { CheckpointProgress } from '../neural/train/checkpoint.ts';

/** The tagger's bookkeeping in its training checkpoint (baselines/neural/train/checkpoint.ts). */
export interface TrainingProgress extends CheckpointProgress {
  /** identifies the settings the checkpoint belongs to; a mismatch refuses to resume */
  fingerprint: string;
  step: number;
  epoch: number;
  /** batches of the current epoch already done */
  batchInEpoch: number;
  dropoutRng: RngState;
  best?: { score: number; epoch: number; step: number };
  epochsWithoutGain: number;
  /** training is over (early stop, last epoch, or max_steps) */
  finished: boolean;
}
