import { HTML5_ENTITIES_JSON } from './html5-entities.ts';

interface EntityTables {
  named: Map<string, string>;
  invalidCharrefs: Map<number, string>;
  invalidCodepoints: Set<number>;
}

let tables: EntityTables | undefined;

function entityTables(): EntityTables {
  if (!tables) {
    const raw = JSON.parse(HTML5_ENTITIES_JSON) as {
      named: Record<string, string>;
      invalidCharrefs: Record<string, string>;
      invalidCodepoints: number[];
    };
    tables = {
      named: new Map(Object.entries(raw.named)),
      invalidCharrefs: new Map(Object.entries(raw.invalidCharrefs).map(([k, v]) => [Number(k), v])),
      invalidCodepoints: new Set(raw.invalidCodepoints),
    };
  }
  return tables;
}

// The same pattern as CPython's html._charref (code points, hence the u flag).
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

function replaceCharref(reference: string): string {
  const { named, invalidCharrefs, invalidCodepoints } = entityTables();
  if (reference[0] === '#') {
    const hex = reference[1] === 'x' || reference[1] === 'X';
    const digits = reference.slice(hex ? 2 : 1).replace(/;$/, '');
    const code = Number.parseInt(digits, hex ? 16 : 10);
    const replacement = invalidCharrefs.get(code);
    if (replacement !== undefined) return replacement;
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return '\ufffd';
    if (invalidCodepoints.has(code)) return '';
    return String.fromCodePoint(code);
  }
  const whole = named.get(reference);
  if (whole !== undefined) return whole;
  // the longest known prefix (legacy references such as "&ampfoo"), at least two characters
  const chars = [...reference];
  for (let length = chars.length - 1; length > 1; length--) {
    const prefix = chars.slice(0, length).join('');
    const value = named.get(prefix);
    if (value !== undefined) return value + chars.slice(length).join('');
  }
  return `&${reference}`;
}

/**
 * Python's html.unescape (3.11), exactly: named references from the HTML standard (with and
 * without the semicolon where the standard allows it), decimal and hex numeric references with
 * the standard's replacements for invalid code points. Written here because no entity decoder is
 * among the project's dependencies and the Skill-LLM export must equal the authors' Python output.
 */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (_match, reference: string) => replaceCharref(reference));
}
