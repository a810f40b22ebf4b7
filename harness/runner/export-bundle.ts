import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDataset } from '../data/datasets.ts';
import { writeSkillSpanJsonl } from '../data/write.ts';
import { writePredictionJsonl } from '../predictions/write.ts';
import type { RunStore } from '../tracking/store.ts';
import { datasetSource, type RunRecord } from '../tracking/types.ts';
import { InputError } from '../util/errors.ts';

/**
 * Writes everything a reviewer needs to check a run without the store: the spec, the environment,
 * params, metrics (results and curves), the predictions as span JSONL (end inclusive, the format
 * `skillbench score --pred` reads) and the scores, with a README that says how to re-score.
 */
export function exportRunBundle(store: RunStore, run: RunRecord, outDir: string): string[] {
  if (run.status !== 'finished')
    throw new InputError(`run ${run.id} is ${run.status}; only finished runs can be exported`);
  mkdirSync(join(outDir, 'predictions'), { recursive: true });
  const written: string[] = [];
  const write = (name: string, content: string) => {
    writeFileSync(join(outDir, name), content);
    written.push(name);
  };
  write('spec.json', `${JSON.stringify(run.spec, null, 2)}\n`);
  write('environment.json', `${JSON.stringify(run.environment ?? {}, null, 2)}\n`);
  write('params.json', `${JSON.stringify(store.params(run.id), null, 2)}\n`);
  write(
    'metrics.json',
    `${JSON.stringify({ summary: store.summaryMetrics(run.id), history: store.curvePoints(run.id) }, null, 1)}\n`,
  );
  const rescore: string[] = [];
  for (const split of ['dev', 'test'] as const) {
    const binding = run.spec.dataset[split];
    const predictions = store.predictions(run.id, split);
    if (!binding || predictions.length === 0) continue;
    // the gold travels with the bundle (exactly the sentences the run predicted, limit applied),
    // so re-scoring needs nothing but this folder
    const { sentences } = loadDataset(datasetSource(binding), dirname(run.spec.file));
    const gold = sentences.slice(0, predictions.length);
    mkdirSync(join(outDir, 'gold'), { recursive: true });
    writeSkillSpanJsonl(join(outDir, 'gold', `${split}.jsonl`), gold);
    writePredictionJsonl(join(outDir, 'predictions', `${split}.jsonl`), predictions, gold);
    written.push(`gold/${split}.jsonl`, `predictions/${split}.jsonl`);
    rescore.push(`skillbench score --gold gold/${split}.jsonl --pred predictions/${split}.jsonl`);
  }
  for (const artifact of store.artifacts(run.id).filter((a) => a.name.startsWith('scores/'))) {
    mkdirSync(join(outDir, 'scores'), { recursive: true });
    copyFileSync(artifact.path, join(outDir, artifact.name));
    written.push(artifact.name);
  }
  write(
    'README.md',
    [
      `# Run ${run.id}: ${run.experiment} (${run.method}, seed ${run.seed})`,
      '',
      `Run key \`${run.key}\`, finished ${run.finishedAt}, code ${run.environment?.gitCommit ?? 'unknown'}${run.environment?.gitDirty ? ' (with uncommitted changes)' : ''}.`,
      '',
      'Re-score the predictions with every protocol (from this folder):',
      '',
      '```sh',
      ...rescore,
      '```',
      '',
      'Files: spec.json (what ran), environment.json (where), params.json, metrics.json (results and learning curves),',
      `gold/*.jsonl (the gold sentences scored, SkillSpan JSONL; dataset sha256 in spec.json), predictions/*.jsonl`,
      '(one line per gold sentence: spans with INCLUSIVE end, or BIO tags as the method wrote them), scores/*.json.',
      '',
    ].join('\n'),
  );
  return written;
}
