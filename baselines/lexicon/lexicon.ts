import type { Label, Sentence, Span } from '../../harness/data/types.ts';
import { LABELS } from '../../harness/data/types.ts';

/** One learned phrase: how often it was annotated as a span of its label, and how often its tokens occur at all. */
export interface LexiconEntry {
  tokens: string[];
  /** times the token sequence was a gold span of this label in train */
  annotated: number;
  /** times the token sequence occurs anywhere in train (annotated or not) */
  occurrences: number;
}

export interface Lexicon {
  caseFold: boolean;
  maxLength: number;
  entries: Record<Label, LexiconEntry[]>;
}

export interface MatchThresholds {
  minCount: number;
  /** per label: a phrase is used only when annotated / occurrences reaches it */
  minPrecision: Record<Label, number>;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  entry?: LexiconEntry;
}

const normalise = (token: string, caseFold: boolean) => (caseFold ? token.toLowerCase() : token);

/** Learns every annotated phrase of the training sentences, with its annotation precision. */
export function learnLexicon(
  train: readonly Sentence[],
  options: { caseFold: boolean; maxLength: number },
): Lexicon {
  const entries = {} as Record<Label, LexiconEntry[]>;
  for (const label of LABELS) {
    const byKey = new Map<string, LexiconEntry>();
    for (const sentence of train) {
      for (const span of sentence.spans) {
        if (span.label !== label || span.end - span.start > options.maxLength) continue;
        const tokens = sentence.tokens.slice(span.start, span.end).map((t) => normalise(t, options.caseFold));
        const key = tokens.join('\u0000');
        const entry = byKey.get(key) ?? { tokens, annotated: 0, occurrences: 0 };
        entry.annotated++;
        byKey.set(key, entry);
      }
    }
    const trie = buildTrie([...byKey.values()]);
    // count every occurrence of every phrase in the training text, annotated or not
    for (const sentence of train) {
      const tokens = sentence.tokens.map((t) => normalise(t, options.caseFold));
      for (let start = 0; start < tokens.length; start++) {
        let node: TrieNode | undefined = trie;
        for (let i = start; i < tokens.length && node; i++) {
          node = node.children.get(tokens[i]);
          if (node?.entry) node.entry.occurrences++;
        }
      }
    }
    entries[label] = [...byKey.values()].sort(
      (a, b) => b.annotated - a.annotated || a.tokens.join(' ').localeCompare(b.tokens.join(' ')),
    );
  }
  return { caseFold: options.caseFold, maxLength: options.maxLength, entries };
}

function buildTrie(entries: readonly LexiconEntry[]): TrieNode {
  const root: TrieNode = { children: new Map() };
  for (const entry of entries) {
    let node = root;
    for (const token of entry.tokens) {
      let child = node.children.get(token);
      if (!child) {
        child = { children: new Map() };
        node.children.set(token, child);
      }
      node = child;
    }
    node.entry = entry;
  }
  return root;
}

/** A matcher for fixed thresholds: longest match first, left to right, each label on its own (layers are independent). */
export function createMatcher(
  lexicon: Lexicon,
  thresholds: MatchThresholds,
): (tokens: readonly string[]) => Span[] {
  const tries = LABELS.map((label) => ({
    label,
    trie: buildTrie(
      lexicon.entries[label].filter(
        (entry) =>
          entry.annotated >= thresholds.minCount &&
          entry.annotated / Math.max(entry.occurrences, entry.annotated) >= thresholds.minPrecision[label],
      ),
    ),
  }));
  return (raw) => {
    const tokens = raw.map((t) => normalise(t, lexicon.caseFold));
    const spans: Span[] = [];
    for (const { label, trie } of tries) {
      let start = 0;
      while (start < tokens.length) {
        let node: TrieNode | undefined = trie;
        let longestEnd = -1;
        for (let i = start; i < tokens.length && node; i++) {
          node = node.children.get(tokens[i]);
          if (node?.entry) longestEnd = i + 1;
        }
        if (longestEnd > 0) {
          spans.push({ label, start, end: longestEnd });
          start = longestEnd;
        } else {
          start++;
        }
      }
    }
    return spans;
  };
}
