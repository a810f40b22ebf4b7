/** zod issues -> short messages for located problems (`expected number, got "1e-4x"`). */
import type { z } from 'zod';
import { didYouMean } from './suggest.ts';

export type ZodIssue = z.core.$ZodIssue;

const EXPECTED: Record<string, string> = {
  int: 'integer',
  object: 'map',
  record: 'map',
  array: 'list',
  tuple: 'list',
  map: 'map',
};

/** How a value looks in a message: strings quoted, maps and lists named. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

function hint(expected: string, input: unknown, source: string | undefined): string {
  const quoted = source !== undefined && /^["']/.test(source);
  if ((expected === 'number' || expected === 'int') && typeof input === 'string' && /^[-+.]?\d/.test(input)) {
    return quoted
      ? ' (quoted, so it is text: remove the quotes)'
      : ' (YAML reads it as text: a plain value is a number only when it is exactly one, like 1e-4 or 0.0001)';
  }
  if (expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input)) {
    return ' (in YAML 1.2 only true and false are booleans)';
  }
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean' || input === null)) {
    return ` (quote it to make it text: "${source ?? String(input)}")`;
  }
  return '';
}

function bound(issue: { origin?: string; inclusive?: boolean }, value: unknown, kind: 'min' | 'max'): string {
  const n = Number(value);
  switch (issue.origin) {
    case 'array':
    case 'set':
      if (kind === 'min' && n === 1) return 'must not be empty';
      return `needs ${kind === 'min' ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
    case 'string':
      if (kind === 'min' && n === 1) return 'must not be empty';
      return `needs ${kind === 'min' ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
    default: {
      const op =
        kind === 'min' ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
      return `must be ${op} ${n}`;
    }
  }
}

/**
 * One message for one issue. `source` is the value's YAML text, quoted back in hints;
 * `keys` are the keys accepted where an unknown key was found (for "did you mean").
 */
export function issueMessage(issue: ZodIssue, options: { source?: string; keys?: string[] } = {}): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? '' : `, got ${showValue(input)}`;
  // a custom message given in the schema (`.min(1, 'needs at least one seed')`) wins
  const custom = issue.message && !/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (input === undefined) return `missing (expected ${expected})`;
      if (custom) return `${issue.message}${got}`;
      return `expected ${expected}${got}${hint(issue.expected, input, options.source)}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((value) => (typeof value === 'string' ? value : String(value)));
      const suggestion = typeof input === 'string' ? didYouMean(input, values) : '';
      return `expected one of ${values.join(', ')}${got}${suggestion}`;
    }
    case 'too_small':
      return `${custom ? issue.message : bound(issue, issue.minimum, 'min')}${got}`;
    case 'too_big':
      return `${custom ? issue.message : bound(issue, issue.maximum, 'max')}${got}`;
    case 'invalid_format':
      return `${custom ? issue.message : `must match ${issue.pattern ?? issue.format}`}${got}`;
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKeyMessage(key, options.keys ?? [])).join('; ');
    case 'invalid_key': {
      // a map key that breaks a rule (a profile name, an empty sweep path): the rule's own message
      const inner = issue.issues[0];
      const rule = inner ? issueMessage({ ...inner, input: undefined } as ZodIssue) : 'invalid key';
      return `${rule}${got}`;
    }
    case 'invalid_union': {
      const forms = unionForms(issue.errors);
      return `${forms ? `expected ${forms}` : 'not any of the accepted forms'}${got}`;
    }
    default:
      return `${issue.message}${issue.code === 'custom' ? '' : got}`;
  }
}

/** The alternatives a union accepts at its top level (`number or "tune"`), if they are simple. */
function unionForms(branches: readonly (readonly ZodIssue[])[]): string | undefined {
  const forms: string[] = [];
  for (const issues of branches) {
    for (const issue of issues) {
      if (issue.path.length > 0) return undefined;
      if (issue.code === 'invalid_type') forms.push(EXPECTED[issue.expected] ?? issue.expected);
      else if (issue.code === 'invalid_value')
        forms.push(...issue.values.map((value) => JSON.stringify(value)));
      else return undefined;
    }
  }
  return forms.length > 0 ? [...new Set(forms)].join(' or ') : undefined;
}

/** `unknown key \`descripton\` (did you mean \`description\`?)`; `owner` names whose key it is. */
export function unknownKeyMessage(key: string, known: readonly string[], noun = 'key', owner = ''): string {
  if (key === '<<') return 'unknown key `<<` (YAML merge keys are YAML 1.1; use profiles to share settings)';
  const suggestion = didYouMean(key, known);
  const list = suggestion || known.length === 0 ? '' : ` (expected one of ${[...known].sort().join(', ')})`;
  return `unknown ${noun} \`${key}\`${owner ? ` ${owner}` : ''}${suggestion}${list}`;
}
