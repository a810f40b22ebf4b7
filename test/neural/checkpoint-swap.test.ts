import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CHECKPOINT_DIR, readProgress } from '../../baselines/neural/train/checkpoint.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A checkpoint folder at `step`; `whole: false` is one a kill cut short (progress.json comes last). */
function folder(dir: string, suffix: string, step: number, whole = true): void {
  const path = join(dir, `${CHECKPOINT_DIR}${suffix}`);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'weights.safetensors'), 'w');
  if (whole) writeFileSync(join(path, 'progress.json'), JSON.stringify({ step }));
}

// each case: the folders a kill left at one moment of saveCheckpoint, and the step it resumes at
const moments: [string, [string, number, boolean?][], number | undefined][] = [
  ['writing the first checkpoint', [['.tmp', 1, false]], undefined],
  [
    'writing a later checkpoint',
    [
      ['', 1],
      ['.tmp', 2, false],
    ],
    1,
  ],
  [
    'after the old one was moved away',
    [
      ['.old', 1],
      ['.tmp', 2],
    ],
    2,
  ],
  [
    'after the new one was moved in',
    [
      ['.old', 1],
      ['', 2],
    ],
    2,
  ],
  ['after the swap', [['', 2]], 2],
];

for (const [moment, folders, step] of moments) {
  test(`a kill ${moment} resumes from a whole checkpoint`, (t) => {
    const dir = tempDir(t);
    for (const [suffix, at, whole] of folders) folder(dir, suffix, at, whole);
    t.is(readProgress<{ optimizerStep: number; step?: number }>(dir)?.step, step);
    t.false(existsSync(join(dir, `${CHECKPOINT_DIR}.tmp`)));
    t.false(existsSync(join(dir, `${CHECKPOINT_DIR}.old`)));
  });
}
