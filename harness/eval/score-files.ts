/** Scores a prediction file against a dataset reference: what `skillbench score` does. */
import { loadDataset } from '../data/datasets.ts';
import { readPredictionFile } from '../predictions/read.ts';
import { type ScoreOptions, type ScoreReport, scoreAll } from './score.ts';

export function scoreFiles(goldRef: string, predPath: string, options: ScoreOptions = {}): ScoreReport {
  const { sentences } = loadDataset(goldRef);
  const predictions = readPredictionFile(predPath, sentences);
  return scoreAll(sentences, predictions, options);
}
