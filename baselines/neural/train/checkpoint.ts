import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensorsFile, writeSafetensorsFile } from '../hf/safetensors.ts';
import type { AdamW } from './adamw.ts';

/**
 * A resumable training checkpoint in <artifactDir>/checkpoint: progress.json (the trainer's own
 * bookkeeping: step, data position, RNG states, ...), weights.safetensors (every parameter, tfjs
 * layout) and optimizer.safetensors (the AdamW moments of every optimizer, by parameter name).
 * Written to a temporary folder and swapped in by renames (see saveCheckpoint), so a kill at any
 * moment leaves a whole checkpoint: the previous one or the new one.
 */
export interface CheckpointProgress {
  /** optimizer steps taken (all optimizers step together) */
  optimizerStep: number;
}

export const CHECKPOINT_DIR = 'checkpoint';

/**
 * Writes the checkpoint to checkpoint.tmp, then swaps it in: checkpoint -> checkpoint.old,
 * checkpoint.tmp -> checkpoint, remove checkpoint.old. A folder cannot replace another in one
 * rename, so the swap takes two; recoverCheckpoint finishes a swap a kill interrupted.
 */
export async function saveCheckpoint<P extends CheckpointProgress>(
  artifactDir: string,
  progress: P,
  params: Map<string, tf.Variable>,
  optimizers: AdamW | AdamW[],
): Promise<void> {
  const target = join(artifactDir, CHECKPOINT_DIR);
  const temporary = `${target}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, variable] of params) {
    weights.set(name, { shape: variable.shape, data: (await variable.data()) as Float32Array });
  }
  writeSafetensorsFile(join(temporary, 'weights.safetensors'), weights);
  const moments = new Map<string, { shape: number[]; data: Float32Array }>();
  let step = 0;
  for (const optimizer of [optimizers].flat()) {
    const state = await optimizer.exportState();
    step = state.step;
    for (const [name, { m, v }] of state.moments) {
      moments.set(`m/${name}`, { shape: [m.length], data: m });
      moments.set(`v/${name}`, { shape: [v.length], data: v });
    }
  }
  writeSafetensorsFile(join(temporary, 'optimizer.safetensors'), moments);
  writeFileSync(
    join(temporary, 'progress.json'),
    `${JSON.stringify({ ...progress, optimizerStep: step }, null, 2)}\n`,
  );
  const previous = `${target}.old`;
  rmSync(previous, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, previous);
  renameSync(temporary, target);
  rmSync(previous, { recursive: true, force: true });
}

/**
 * Completes a swap a kill interrupted. Without a checkpoint folder, checkpoint.tmp is whole if
 * present (the old one is moved away only after the new one is written; progress.json is written
 * last), else checkpoint.old is the last whole one. With a checkpoint folder, leftovers are stale.
 */
export function recoverCheckpoint(artifactDir: string): void {
  const target = join(artifactDir, CHECKPOINT_DIR);
  if (!existsSync(target)) {
    for (const candidate of [`${target}.tmp`, `${target}.old`]) {
      if (existsSync(join(candidate, 'progress.json'))) {
        renameSync(candidate, target);
        break;
      }
    }
  }
  rmSync(`${target}.tmp`, { recursive: true, force: true });
  rmSync(`${target}.old`, { recursive: true, force: true });
}

export function readProgress<P extends CheckpointProgress>(artifactDir: string): P | undefined {
  recoverCheckpoint(artifactDir);
  const path = join(artifactDir, CHECKPOINT_DIR, 'progress.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as P) : undefined;
}

/** Loads the checkpoint's weights into params and its moments into the optimizers. */
export function restoreCheckpoint(
  artifactDir: string,
  progress: CheckpointProgress,
  params: Map<string, tf.Variable>,
  optimizers: AdamW | AdamW[],
): void {
  const dir = join(artifactDir, CHECKPOINT_DIR);
  const weights = readSafetensorsFile(join(dir, 'weights.safetensors')).tensors;
  for (const [name, variable] of params) {
    const saved = weights.get(name);
    if (!saved) throw new Error(`checkpoint ${dir} lacks weight ${name}`);
    tf.tidy(() => variable.assign(tf.tensor(saved.data, variable.shape, 'float32')));
  }
  const moments = readSafetensorsFile(join(dir, 'optimizer.safetensors')).tensors;
  const state = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const name of params.keys()) {
    const m = moments.get(`m/${name}`);
    const v = moments.get(`v/${name}`);
    if (!m || !v) throw new Error(`checkpoint ${dir} lacks optimizer moments of ${name}`);
    state.set(name, { m: m.data as Float32Array, v: v.data as Float32Array });
  }
  for (const optimizer of [optimizers].flat())
    optimizer.importState({ step: progress.optimizerStep, moments: state });
}
