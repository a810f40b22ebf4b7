/**
 * TF-IDF cosine similarity over lowercased tokens: the default similarity for choosing kNN
 * demonstrations. (The original used JobBERT pooler vectors that were, in all likelihood, randomly
 * initialised, so its "kNN" cannot be reproduced; docs/llm-prompting.md §4.4.) Smoothed idf and
 * l2-normalised vectors, as scikit-learn's TfidfVectorizer defaults compute them.
 */
export class TfidfIndex {
  private readonly idf = new Map<string, number>();
  private readonly vectors: Map<string, number>[];

  constructor(documents: readonly (readonly string[])[]) {
    const documentFrequency = new Map<string, number>();
    for (const tokens of documents) {
      for (const term of new Set(tokens.map((token) => token.toLowerCase())))
        documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const n = documents.length;
    for (const [term, df] of documentFrequency) this.idf.set(term, Math.log((1 + n) / (1 + df)) + 1);
    this.vectors = documents.map((tokens) => this.vector(tokens));
  }

  /** A document's l2-normalised tf-idf vector (terms unseen in the index are dropped). */
  vector(tokens: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const token of tokens) {
      const term = token.toLowerCase();
      if (this.idf.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    let norm = 0;
    for (const [term, count] of counts) {
      const weight = count * this.idf.get(term)!;
      counts.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, weight] of counts) counts.set(term, weight / norm);
    return counts;
  }

  /** Indices of the indexed documents by falling cosine similarity to `tokens` (ties keep index order). */
  ranked(tokens: readonly string[]): number[] {
    const query = this.vector(tokens);
    const scores = this.vectors.map((vector, index) => {
      let dot = 0;
      for (const [term, weight] of query) dot += weight * (vector.get(term) ?? 0);
      return { index, dot };
    });
    return scores.sort((a, b) => b.dot - a.dot || a.index - b.index).map((score) => score.index);
  }
}
