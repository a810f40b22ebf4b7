import { jsonrepair } from 'jsonrepair';
import { isLabel, LABELS, type Label } from '../../harness/data/types.ts';

/** One span the model named: its label, text and the context it gave (the text when none). */
export interface AnsweredSpan {
  label: Label;
  text: string;
  context: string;
}

export interface ParsedAnswer {
  /** ok: valid JSON in the expected shape; repaired: usable after a repair; unparsable: nothing usable */
  status: 'ok' | 'repaired' | 'unparsable';
  spans: AnsweredSpan[];
  /** what was repaired or ignored, or why nothing could be used */
  notes: string[];
}

/**
 * Parses a Skill-LLM answer ({"SKILL": [{"skill_span", "context"}, ...], "KNOWLEDGE": [...]}).
 * Never throws: invalid JSON is repaired with jsonrepair (after cutting text around the object
 * and turning a stray ")" that closes an object or list into the right bracket, the two slips
 * jsonrepair does not fix); what still cannot be read is `unparsable` and names no spans. Keys are
 * matched to labels ignoring case and a plural s; other keys and malformed items are skipped with
 * a note, which also marks the answer repaired.
 */
export function parseAnswer(raw: string): ParsedAnswer {
  const text = raw.trim();
  const direct = tryParse(text);
  if (direct !== undefined && isObject(direct)) return readAnswer(direct, 'ok', []);
  for (const [candidate, note] of repairCandidates(text)) {
    let repaired: string;
    try {
      repaired = jsonrepair(candidate);
    } catch {
      continue;
    }
    const value = tryParse(repaired);
    if (value !== undefined && isObject(value)) return readAnswer(value, 'repaired', [note]);
  }
  return {
    status: 'unparsable',
    spans: [],
    notes: [text === '' ? 'empty answer' : 'no JSON object could be read or repaired'],
  };
}

function* repairCandidates(text: string): Iterable<[string, string]> {
  yield [text, 'invalid JSON repaired'];
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  const cut = first >= 0 ? text.slice(first, last > first ? last + 1 : undefined) : undefined;
  if (cut !== undefined && cut !== text) yield [cut, 'text around the JSON object removed'];
  const closers = fixClosers(cut ?? text);
  if (closers !== (cut ?? text)) yield [closers, 'a ")" closing an object or list replaced'];
}

/** Replaces a ")" outside strings by the bracket that closes what is open ("}" or "]"). */
function fixClosers(text: string): string {
  const open: string[] = [];
  let inString = false;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let char = text[i];
    if (inString) {
      if (char === '\\') {
        out += char + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') open.push(char);
    else if (char === '}' || char === ']') open.pop();
    else if (char === ')' && open.length > 0) char = open.pop() === '{' ? '}' : ']';
    out += char;
  }
  return out;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function labelOf(key: string): Label | undefined {
  const upper = key.trim().toUpperCase();
  if (isLabel(upper)) return upper;
  const singular = upper.endsWith('S') ? upper.slice(0, -1) : upper;
  return isLabel(singular) ? singular : undefined;
}

function readAnswer(
  value: Record<string, unknown>,
  status: ParsedAnswer['status'],
  notes: string[],
): ParsedAnswer {
  const spans: AnsweredSpan[] = [];
  let changed = false;
  const note = (message: string) => {
    notes.push(message);
    changed = true;
  };
  for (const [key, items] of Object.entries(value)) {
    const label = labelOf(key);
    if (!label) {
      note(`key "${key}" is not a label (${LABELS.join(', ')}): ignored`);
      continue;
    }
    if (key !== label) note(`key "${key}" read as ${label}`);
    const list = Array.isArray(items) ? items : [items];
    if (!Array.isArray(items)) note(`${key} is not a list: read as one item`);
    for (const item of list) {
      const span = readItem(item, label);
      if (span) spans.push(span);
      else if (item !== null)
        note(`${key}: item ${JSON.stringify(item).slice(0, 80)} has no skill_span: ignored`);
    }
  }
  return { status: status === 'ok' && changed ? 'repaired' : status, spans, notes };
}

function readItem(item: unknown, label: Label): AnsweredSpan | undefined {
  if (typeof item === 'string') return item.trim() ? { label, text: item, context: item } : undefined;
  if (!isObject(item)) return undefined;
  const text = item.skill_span;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const context = typeof item.context === 'string' && item.context.trim() !== '' ? item.context : text;
  return { label, text, context };
}
