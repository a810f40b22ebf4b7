/** One encoded sequence; wordIds is null for special tokens ([CLS], [SEP]). */
export interface Encoding {
  ids: number[];
  tokens: string[];
  wordIds: (number | null)[];
}

export interface EncodeOptions {
  /** total length including [CLS] and [SEP]; words beyond it are cut (truncation "longest_first", one sequence) */
  maxLength?: number;
  /** add [CLS] ... [SEP] (default true) */
  addSpecialTokens?: boolean;
}

/** The pieces of one word: token strings (unknown pieces keep their surface form) and ids. */
export interface WordPieces {
  tokens: string[];
  ids: number[];
}

/**
 * A subword tokenizer for pre-split words, as Hugging Face tokenizers runs one with
 * is_split_into_words=True: each word goes through the added-token split, normalizer,
 * pre-tokenizer and model on its own, the pieces are concatenated, and the template adds
 * [CLS] ... [SEP]. BERT WordPiece (bert-tokenizer.ts) and SentencePiece Unigram
 * (unigram-tokenizer.ts, DeBERTa-v2/v3) implement it.
 */
export interface WordTokenizer {
  /** ids in use: the model's vocabulary plus added tokens */
  readonly vocabSize: number;
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  /** the id of a vocabulary or added token; throws for anything else */
  id(token: string): number;
  token(id: number): string;
  /** whether token is a vocabulary or added token */
  has(token: string): boolean;
  /** the pieces of one word (no specials) */
  pieces(word: string): WordPieces;
  /** the subword tokens of one word (no specials) */
  tokenizeWord(word: string): string[];
  encodeWords(words: readonly string[], options?: EncodeOptions): Encoding;
  /**
   * transformers' add_tokens: each token not yet known gets the next free id (vocabSize) and is
   * matched verbatim inside words from then on (special false, normalized true, as GLiNER adds
   * [FLERT], <<ENT>>, <<SEP>>). Returns how many were new.
   */
  addTokens(tokens: readonly string[]): number;
}

/** Concatenates the words' pieces, truncates to maxLength and adds the template's specials. */
export function encodePreSplit(
  tokenizer: Pick<WordTokenizer, 'pieces'>,
  specials: { cls: [string, number]; sep: [string, number] },
  words: readonly string[],
  options: EncodeOptions = {},
): Encoding {
  const addSpecial = options.addSpecialTokens ?? true;
  const budget =
    options.maxLength === undefined ? Number.POSITIVE_INFINITY : options.maxLength - (addSpecial ? 2 : 0);
  const encoding: Encoding = { ids: [], tokens: [], wordIds: [] };
  for (let w = 0; w < words.length && encoding.ids.length < budget; w++) {
    const { tokens, ids } = tokenizer.pieces(words[w]);
    for (let i = 0; i < tokens.length && encoding.ids.length < budget; i++) {
      encoding.tokens.push(tokens[i]);
      encoding.ids.push(ids[i]);
      encoding.wordIds.push(w);
    }
  }
  if (addSpecial) {
    encoding.tokens.unshift(specials.cls[0]);
    encoding.ids.unshift(specials.cls[1]);
    encoding.wordIds.unshift(null);
    encoding.tokens.push(specials.sep[0]);
    encoding.ids.push(specials.sep[1]);
    encoding.wordIds.push(null);
  }
  return encoding;
}

/**
 * Added tokens (specials and tokens added later), split out of the raw text before anything
 * else runs, leftmost then longest match, as tokenizers' AddedVocabulary does.
 */
export class AddedVocabulary {
  private readonly ids = new Map<string, number>();
  /** longest first, for the leftmost-longest split */
  private byLength: string[] = [];

  constructor(tokens: Iterable<[string, number]>) {
    for (const [token, id] of tokens) this.ids.set(token, id);
    this.sort();
  }

  get(token: string): number | undefined {
    return this.ids.get(token);
  }

  entries(): IterableIterator<[string, number]> {
    return this.ids.entries();
  }

  add(token: string, id: number): void {
    this.ids.set(token, id);
    this.sort();
  }

  split(text: string): { text: string; added: boolean }[] {
    if (this.byLength.length === 0) return [{ text, added: false }];
    const parts: { text: string; added: boolean }[] = [];
    let rest = text;
    while (rest) {
      let bestAt = -1;
      let best = '';
      for (const token of this.byLength) {
        const at = rest.indexOf(token);
        if (at >= 0 && (bestAt < 0 || at < bestAt)) {
          bestAt = at;
          best = token;
        }
      }
      if (bestAt < 0) {
        parts.push({ text: rest, added: false });
        break;
      }
      if (bestAt > 0) parts.push({ text: rest.slice(0, bestAt), added: false });
      parts.push({ text: best, added: true });
      rest = rest.slice(bestAt + best.length);
    }
    return parts;
  }

  private sort(): void {
    this.byLength = [...this.ids.keys()].sort((a, b) => b.length - a.length);
  }
}

export interface SpecialTokens {
  cls: string;
  sep: string;
  pad: string;
  /** what token() returns for an id it does not know */
  unk: string;
}

/**
 * What every pre-split tokenizer shares: the id <-> token tables (model vocabulary plus added
 * tokens), the added-token split, [CLS] ... [SEP] with truncation, add_tokens. A subclass says
 * how text between added tokens becomes pieces.
 */
export abstract class PreSplitTokenizer implements WordTokenizer {
  private readonly idToToken: string[];
  private readonly added: AddedVocabulary;

  constructor(
    private readonly modelVocab: ReadonlyMap<string, number>,
    addedTokens: ReadonlyMap<string, number>,
    readonly specials: SpecialTokens,
  ) {
    this.idToToken = [];
    for (const [token, id] of modelVocab) this.idToToken[id] = token;
    for (const [token, id] of addedTokens) this.idToToken[id] = token;
    this.added = new AddedVocabulary(addedTokens);
    for (const special of [specials.cls, specials.sep, specials.pad]) this.id(special);
  }

  /** The pieces of text that holds no added token. */
  protected abstract segment(text: string): WordPieces;

  get vocabSize(): number {
    return this.idToToken.length;
  }

  get padId(): number {
    return this.id(this.specials.pad);
  }

  get clsId(): number {
    return this.id(this.specials.cls);
  }

  get sepId(): number {
    return this.id(this.specials.sep);
  }

  has(token: string): boolean {
    return this.added.get(token) !== undefined || this.modelVocab.has(token);
  }

  id(token: string): number {
    const id = this.added.get(token) ?? this.modelVocab.get(token);
    if (id === undefined) throw new Error(`token ${token} is not in the vocabulary`);
    return id;
  }

  token(id: number): string {
    return this.idToToken[id] ?? this.specials.unk;
  }

  pieces(word: string): WordPieces {
    const result: WordPieces = { tokens: [], ids: [] };
    for (const part of this.added.split(word)) {
      if (part.added) {
        result.tokens.push(part.text);
        result.ids.push(this.id(part.text));
        continue;
      }
      const { tokens, ids } = this.segment(part.text);
      result.tokens.push(...tokens);
      result.ids.push(...ids);
    }
    return result;
  }

  tokenizeWord(word: string): string[] {
    return this.pieces(word).tokens;
  }

  encodeWords(words: readonly string[], options: EncodeOptions = {}): Encoding {
    const { cls, sep } = this.specials;
    return encodePreSplit(this, { cls: [cls, this.clsId], sep: [sep, this.sepId] }, words, options);
  }

  addTokens(tokens: readonly string[]): number {
    let added = 0;
    for (const token of tokens) {
      if (this.has(token)) continue;
      this.added.add(token, this.idToToken.length);
      this.idToToken.push(token);
      added++;
    }
    return added;
  }
}
