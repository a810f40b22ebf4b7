import * as tf from '@tensorflow/tfjs';
import { debertaGeometry, parseDebertaConfig } from '../../baselines/neural/deberta/config.ts';
import { DebertaModel } from '../../baselines/neural/deberta/model.ts';
import { relativeTableRow } from '../../baselines/neural/deberta/relative-position.ts';
import { Rng } from '../../baselines/neural/rng.ts';

/**
 * A DeBERTa-v3-style encoder small enough for finite differences, with 8 position buckets so
 * that offsets beyond 4 take the log-bucket branch (the hf-reference fixture's sequences are too
 * short for it): 2 layers, hidden 8, 2 heads, vocabulary 12, relative table 16 rows.
 */
export function tinyDeberta(seed = 5): DebertaModel {
  const config = parseDebertaConfig(
    {
      model_type: 'deberta-v2',
      vocab_size: 12,
      hidden_size: 8,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 16,
      max_position_embeddings: 64,
      relative_attention: true,
      position_buckets: 8,
      max_relative_positions: 32,
      pos_att_type: ['p2c', 'c2p'],
      share_att_key: true,
      norm_rel_ebd: 'layer_norm',
      position_biased_input: false,
      layer_norm_eps: 1e-7,
      initializer_range: 0.5,
    },
    'tiny',
  );
  const model = DebertaModel.create(config, new Rng(seed));
  // LayerNorm weights away from 1 / 0, so that a mistake in using them shows
  const rng = new Rng(seed + 1);
  for (const [name, variable] of model.params) {
    if (name.includes('LayerNorm') || name.endsWith('.bias'))
      variable.assign(tf.add(variable, tf.tensor(rng.normalArray(variable.size, 0.3), variable.shape)));
  }
  return model;
}

/** Two sequences of 14 tokens, the second padded after 9: offsets up to 13 reach the log buckets. */
export const TINY_DEBERTA_IDS = [
  [1, 5, 6, 7, 8, 9, 10, 11, 4, 5, 6, 7, 8, 2],
  [1, 9, 3, 4, 11, 6, 7, 5, 2, 0, 0, 0, 0, 0],
];

type Matrix = number[][];

/**
 * DebertaV2Model's forward pass written out in plain numbers, the way transformers computes it
 * (full [T, T] index matrix, gather per pair, pairwise mask, masked rows uniform): an
 * independent reference for the tfjs composition's relative shift and bucketing.
 */
export function referenceDeberta(model: DebertaModel, ids: number[][]): number[][][] {
  const { config } = model;
  const geometry = debertaGeometry(config);
  const get = (name: string): number[] => Array.from(model.params.get(name)!.dataSync());
  const matrix = (name: string): Matrix => {
    const v = model.params.get(name)!;
    return v.arraySync() as Matrix;
  };
  const d = config.hidden_size;
  const heads = config.num_attention_heads;
  const dh = d / heads;
  const eps = config.layer_norm_eps;
  const layerNorm = (x: number[], w: number[], b: number[]) => {
    const mean = x.reduce((a, c) => a + c, 0) / x.length;
    const variance = x.reduce((a, c) => a + (c - mean) ** 2, 0) / x.length;
    return x.map((c, i) => ((c - mean) / Math.sqrt(variance + eps)) * w[i] + b[i]);
  };
  const affine = (x: number[], w: Matrix, b: number[]) =>
    b.map((bias, j) => x.reduce((sum, xi, i) => sum + xi * w[i][j], bias));
  const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
  const table = matrix('encoder.rel_embeddings.weight').map((row) =>
    layerNorm(row, get('encoder.LayerNorm.weight'), get('encoder.LayerNorm.bias')),
  );
  const scale = Math.sqrt(dh * geometry.scaleFactor);
  return ids.map((row) => {
    const t = row.length;
    const mask = row.map((id) => (id === 0 ? 0 : 1));
    const words = matrix('embeddings.word_embeddings.weight');
    let x = row.map((id, i) =>
      layerNorm(words[id], get('embeddings.LayerNorm.weight'), get('embeddings.LayerNorm.bias')).map(
        (v) => v * mask[i],
      ),
    );
    for (let l = 0; l < config.num_hidden_layers; l++) {
      const p = `encoder.layer.${l}.`;
      const w = matrix(`${p}attention.self.qkv.weight`);
      const b = get(`${p}attention.self.qkv.bias`);
      const qkv = x.map((xi) => affine(xi, w, b));
      const posQK = table.map((ri) => affine(ri, w, b));
      const context = x.map(() => new Array<number>(d).fill(0));
      for (let h = 0; h < heads; h++) {
        const at = (vec: number[], part: number) => vec.slice(part * d + h * dh, part * d + (h + 1) * dh);
        const dot = (a: number[], c: number[]) => a.reduce((s, ai, i) => s + ai * c[i], 0);
        for (let q = 0; q < t; q++) {
          const scores = new Array<number>(t);
          for (let k = 0; k < t; k++) {
            const r = relativeTableRow(q - k, geometry);
            scores[k] =
              (dot(at(qkv[q], 0), at(qkv[k], 1)) +
                dot(at(qkv[q], 0), at(posQK[r], 1)) +
                dot(at(qkv[k], 1), at(posQK[r], 0))) /
              scale;
          }
          let probs: number[];
          if (mask[q] === 0) probs = scores.map(() => 1 / t);
          else {
            const top = Math.max(...scores.filter((_, k) => mask[k] === 1));
            const e = scores.map((s, k) => (mask[k] ? Math.exp(s - top) : 0));
            const total = e.reduce((a, c) => a + c, 0);
            probs = e.map((v) => v / total);
          }
          for (let k = 0; k < t; k++) {
            const v = at(qkv[k], 2);
            for (let j = 0; j < dh; j++) context[q][h * dh + j] += probs[k] * v[j];
          }
        }
      }
      const attended = context.map((c, i) =>
        layerNorm(
          affine(c, matrix(`${p}attention.output.dense.weight`), get(`${p}attention.output.dense.bias`)).map(
            (v, j) => v + x[i][j],
          ),
          get(`${p}attention.output.LayerNorm.weight`),
          get(`${p}attention.output.LayerNorm.bias`),
        ),
      );
      x = attended.map((a) => {
        const inner = affine(
          a,
          matrix(`${p}intermediate.dense.weight`),
          get(`${p}intermediate.dense.bias`),
        ).map(gelu);
        const out = affine(inner, matrix(`${p}output.dense.weight`), get(`${p}output.dense.bias`));
        return layerNorm(
          out.map((v, j) => v + a[j]),
          get(`${p}output.LayerNorm.weight`),
          get(`${p}output.LayerNorm.bias`),
        );
      });
    }
    return x;
  });
}

/** erf by its Maclaurin series (|x| < 3) or the continued fraction, to ~1e-12 (enough for a reference). */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc continued fraction
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}
