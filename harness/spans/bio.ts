import type { BioLayers, BioTag, Label, Span } from '../data/types.ts';
import { LABELS } from '../data/types.ts';

/**
 * BIO -> spans with conlleval chunking: B opens a chunk, I continues one, and an I after O (or at
 * the start of the sentence) opens a new chunk too. This is how nervaluate's
 * collect_named_entities, spaCy's iob_to_biluo and nereval.perl read an orphan I; it is what makes
 * SkillSpan test have 1091 SKILL spans (row 977 starts a skill with I after O).
 */
export function bioToSpans(tags: readonly BioTag[], label: Label): Span[] {
  const spans: Span[] = [];
  let open = -1;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i];
    if (tag === 'B' || (tag === 'I' && open < 0)) {
      if (open >= 0) spans.push({ label, start: open, end: i });
      open = i;
    } else if (tag === 'O' && open >= 0) {
      spans.push({ label, start: open, end: i });
      open = -1;
    }
  }
  if (open >= 0) spans.push({ label, start: open, end: tags.length });
  return spans;
}

/** Both layers of a sentence, SKILL spans first, each layer left to right. */
export function layersToSpans(layers: BioLayers): Span[] {
  return LABELS.flatMap((label) => bioToSpans(layers[label], label));
}

export interface BioEncoding {
  tags: BioTag[];
  /** spans that could not be written because they overlap a span already written */
  dropped: Span[];
  /** exact repeats of another span in the input (written or dropped) */
  duplicates: Span[];
}

/**
 * Spans of ONE label -> BIO. A BIO column cannot hold overlapping spans, so the encoder keeps the
 * leftmost-longest span and drops what overlaps it (the rule the SkillSpan reference encoder
 * used, which nereval's numbers on overlapping predictions depend on).
 */
export function spansToBio(spans: readonly Span[], length: number): BioEncoding {
  const tags: BioTag[] = new Array<BioTag>(length).fill('O');
  const dropped: Span[] = [];
  const duplicates: Span[] = [];
  const ordered = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  // Duplicates collapse first (a repeat of a dropped span is a duplicate, not a second drop):
  // after the sort, equal spans are adjacent.
  let previous: Span | undefined;
  let coveredUntil = 0;
  for (const span of ordered) {
    const repeat = previous !== undefined && previous.start === span.start && previous.end === span.end;
    previous = span;
    if (repeat) {
      duplicates.push(span);
      continue;
    }
    if (span.start < coveredUntil) {
      dropped.push(span);
      continue;
    }
    tags[span.start] = 'B';
    for (let i = span.start + 1; i < span.end; i++) tags[i] = 'I';
    coveredUntil = span.end;
  }
  return { tags, dropped, duplicates };
}

/** Spans of both labels -> one BIO column per label. */
export function spansToLayers(spans: readonly Span[], length: number): BioLayers {
  const layers = {} as BioLayers;
  for (const label of LABELS) {
    layers[label] = spansToBio(
      spans.filter((s) => s.label === label),
      length,
    ).tags;
  }
  return layers;
}

/** Accepts SkillSpan's plain `B`/`I`/`O` and typed forms such as `B-Skill`, `I-KNOWLEDGE`. */
export function parseBioTag(raw: string): BioTag | undefined {
  const head = raw.trim().split('-', 1)[0];
  return head === 'B' || head === 'I' || head === 'O' ? head : undefined;
}
