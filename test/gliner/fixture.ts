import { readFileSync } from 'node:fs';
import { projectPath } from '../../harness/util/paths.ts';

/** fixtures/hf-reference/gliner-tiny-random: the real GLiNER v0.2.9 code's numbers for a tiny random model. */
export const GLINER_FIXTURE = projectPath('fixtures/hf-reference/gliner-tiny-random');

export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int64' | 'bool';
  data: number[];
}

export interface FixtureEntity {
  start: number;
  end: number;
  text: string;
  label: string;
  score: number;
}

export interface FixtureSentence {
  test_index: number;
  tokens: string[];
  tags_skill: string[];
  tags_knowledge: string[];
  text: string;
  words: string[];
  word_starts: number[];
  word_ends: number[];
  gliner_ner: [number, number, string][];
  gold_char_entities: { label: string; start: number; end: number; text: string }[];
}

export interface FixtureCase {
  name: string;
  labels: string[];
  sentences: FixtureSentence[];
  inputs: Record<string, FixtureTensor> & {
    class_token_positions: number[][];
    subword_tokens: string[][];
  };
  intermediates: Record<string, FixtureTensor>;
  logits: FixtureTensor;
  decoded: {
    flat_ner: boolean;
    threshold: number;
    entities: FixtureEntity[][];
    word_spans: [number, number, string, number][][];
  }[];
}

export interface FixtureTraining {
  examples: { test_index: number; tokens: string[]; ner: [number, number, string][]; classes: string[] }[];
  batch: Record<string, FixtureTensor>;
  logits: FixtureTensor;
  loss: number;
  grad_global_norm: number;
  grad_norms: Record<string, number>;
  grads: Record<string, FixtureTensor>;
}

let inference: { cases: FixtureCase[] } | undefined;

export function inferenceCases(): FixtureCase[] {
  inference ??= JSON.parse(readFileSync(`${GLINER_FIXTURE}/expected_inference.json`, 'utf8'));
  return inference!.cases;
}

export function trainingFixture(): FixtureTraining {
  return JSON.parse(readFileSync(`${GLINER_FIXTURE}/expected_training.json`, 'utf8')) as FixtureTraining;
}
