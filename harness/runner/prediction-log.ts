import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import type { Prediction } from '../data/types.ts';

/**
 * Predictions of one split, appended to a JSONL file as they are produced, so that a killed run
 * resumes where it stopped. A last line cut short by the kill is dropped on reading (and the file
 * rewritten without it).
 */
export class PredictionLog {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  /** Predictions already in the file, by sentence id (the last one wins). */
  readExisting(): Map<string, Prediction> {
    const done = new Map<string, Prediction>();
    if (!existsSync(this.path)) return done;
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    let valid = '';
    let truncated = false;
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const prediction = JSON.parse(line) as Prediction;
        if (typeof prediction.id !== 'string' || !Array.isArray(prediction.spans))
          throw new Error('not a prediction');
        done.set(prediction.id, prediction);
        valid += `${line}\n`;
      } catch {
        truncated = true;
      }
    }
    if (truncated) writeFileSync(this.path, valid);
    return done;
  }

  append(prediction: Prediction): void {
    this.fd ??= openSync(this.path, 'a');
    appendFileSync(this.fd, `${JSON.stringify(prediction)}\n`);
  }

  /** Flushes to disk and closes; called at the end of a split and when a run stops. */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
