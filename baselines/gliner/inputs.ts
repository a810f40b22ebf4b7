import type { WordTokenizer } from '../neural/tokenizers/word-tokenizer.ts';
import type { GlinerConfig } from './config.ts';

/** One example: its words, the class names of its prompt (1-based ids in this order) and, for training, gold spans. */
export interface GlinerItem {
  words: readonly string[];
  classes: readonly string[];
  /** [start word, end word (inclusive), class name] */
  ner?: readonly (readonly [number, number, string])[];
}

/**
 * A padded batch as GLiNER v0.2.9's processor and collator build it (B examples, T subwords,
 * L = most text words, K = max width, C = most classes). Index tensors are flat JS arrays; the
 * model turns them into tensors.
 */
export interface GlinerBatch {
  size: number;
  tokens: number;
  words: number;
  width: number;
  classes: number;
  /** [B * T], padded with the tokenizer's pad id */
  inputIds: Int32Array;
  /** [B * T] */
  attentionMask: Int32Array;
  /** [B * T]: k at the first subtoken of text word k (1-based), 0 elsewhere */
  wordsMask: Int32Array;
  /** text words per example */
  textLengths: number[];
  /** [B * L]: flat row b * T + t of each text word's first subtoken (0 when absent) */
  wordTokenRows: Int32Array;
  /** [B * L]: 1 where the word has a first subtoken */
  wordPresent: Float32Array;
  /** [B * L]: 1 for real words (l < text length) */
  wordMask: Float32Array;
  /** [B * C]: flat row b * T + t of each <<ENT>> marker (0 when padded) */
  promptTokenRows: Int32Array;
  /** [B * C] */
  promptMask: Float32Array;
  /** [B * L * K]: flat word row b * L + start of each span, (0, 0) for invalid spans as GLiNER does */
  spanStartRows: Int32Array;
  spanEndRows: Int32Array;
  /** [B * L * K]: span (i, i + j) ends inside the text */
  spanMask: Float32Array;
  /** [B * L * K * C]: 1 for a gold (span, class) pair; present when every item has ner */
  labels?: Float32Array;
  /** the class names of each example, in prompt order */
  classNames: string[][];
}

export interface PromptSettings {
  entToken: string;
  sepToken: string;
  classTokenIndex: number;
  maxWidth: number;
  maxLen: number;
}

export function promptSettings(config: GlinerConfig): PromptSettings {
  return {
    entToken: config.ent_token,
    sepToken: config.sep_token,
    classTokenIndex: config.class_token_index,
    maxWidth: config.max_width,
    maxLen: config.max_len,
  };
}

/** `<<ENT>> c1 <<ENT>> c2 ... <<SEP>>`, then the text words (at most max_len; none becomes `[PAD]`). */
export function promptWords(
  item: GlinerItem,
  settings: PromptSettings,
): { prompt: string[]; text: string[] } {
  const prompt = [...item.classes.flatMap((c) => [settings.entToken, c]), settings.sepToken];
  const text = item.words.length === 0 ? ['[PAD]'] : item.words.slice(0, settings.maxLen);
  return { prompt, text };
}

/** Words of an item with its prompt (2 per class + <<SEP>>): the length micro-batches are packed by. */
export function promptedLength(item: GlinerItem): number {
  return item.words.length + 2 * item.classes.length + 1;
}

export function buildBatch(
  items: readonly GlinerItem[],
  tokenizer: WordTokenizer,
  settings: PromptSettings,
): GlinerBatch {
  const encoded = items.map((item) => {
    const { prompt, text } = promptWords(item, settings);
    const { ids, wordIds } = tokenizer.encodeWords([...prompt, ...text]);
    return { ids, wordIds, promptLength: prompt.length, textLength: text.length };
  });
  const B = items.length;
  const T = Math.max(...encoded.map((e) => e.ids.length));
  const L = Math.max(...encoded.map((e) => e.textLength));
  const K = settings.maxWidth;
  const C = Math.max(...items.map((item) => item.classes.length));
  const inputIds = new Int32Array(B * T).fill(tokenizer.padId);
  const attentionMask = new Int32Array(B * T);
  const wordsMask = new Int32Array(B * T);
  const wordTokenRows = new Int32Array(B * L);
  const wordPresent = new Float32Array(B * L);
  const wordMask = new Float32Array(B * L);
  const promptTokenRows = new Int32Array(B * C);
  const promptMask = new Float32Array(B * C);
  encoded.forEach((e, b) => {
    let classes = 0;
    e.ids.forEach((id, t) => {
      inputIds[b * T + t] = id;
      attentionMask[b * T + t] = 1;
      const w = e.wordIds[t];
      if (w !== null && w >= e.promptLength && (t === 0 || e.wordIds[t - 1] !== w)) {
        const k = w - e.promptLength;
        wordsMask[b * T + t] = k + 1;
        wordTokenRows[b * L + k] = b * T + t;
        wordPresent[b * L + k] = 1;
      }
      if (id === settings.classTokenIndex && classes < C) {
        promptTokenRows[b * C + classes] = b * T + t;
        promptMask[b * C + classes] = 1;
        classes++;
      }
    });
    for (let l = 0; l < e.textLength; l++) wordMask[b * L + l] = 1;
  });
  const spanStartRows = new Int32Array(B * L * K);
  const spanEndRows = new Int32Array(B * L * K);
  const spanMask = new Float32Array(B * L * K);
  for (let b = 0; b < B; b++) {
    const n = encoded[b].textLength;
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < K; j++) {
        const s = (b * L + i) * K + j;
        if (i + j < n) {
          spanStartRows[s] = b * L + i;
          spanEndRows[s] = b * L + i + j;
          spanMask[s] = 1;
        } else {
          spanStartRows[s] = b * L;
          spanEndRows[s] = b * L;
        }
      }
    }
  }
  const batch: GlinerBatch = {
    size: B,
    tokens: T,
    words: L,
    width: K,
    classes: C,
    inputIds,
    attentionMask,
    wordsMask,
    textLengths: encoded.map((e) => e.textLength),
    wordTokenRows,
    wordPresent,
    wordMask,
    promptTokenRows,
    promptMask,
    spanStartRows,
    spanEndRows,
    spanMask,
    classNames: items.map((item) => [...item.classes]),
  };
  if (items.every((item) => item.ner)) batch.labels = spanLabels(items, L, K, C);
  return batch;
}

/**
 * One-hot targets [B, L, K, C]: a dict keyed by (start, end), so one class per span (the last
 * gold label wins, as in v0.2.9), only for classes in the prompt and spans that are valid.
 */
function spanLabels(items: readonly GlinerItem[], L: number, K: number, C: number): Float32Array {
  const labels = new Float32Array(items.length * L * K * C);
  items.forEach((item, b) => {
    const n = Math.min(item.words.length, L);
    const byBoundary = new Map<string, number>();
    for (const [start, end, name] of item.ner ?? []) {
      const id = item.classes.indexOf(name);
      if (id >= 0) byBoundary.set(`${start},${end}`, id);
    }
    for (const [key, c] of byBoundary) {
      const [start, end] = key.split(',').map(Number);
      const j = end - start;
      if (start < 0 || j < 0 || j >= K || end >= n) continue;
      labels[((b * L + start) * K + j) * C + c] = 1;
    }
  });
  return labels;
}
