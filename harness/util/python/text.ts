/** Python string semantics the Skill-LLM export reproduces (str.strip, json.dumps). */

// Every code point for which Python's str.isspace() is true (what str.strip() removes); it
// differs from JavaScript's trim() (U+001C..U+001F and U+0085 in, U+FEFF out).
const PYTHON_WHITESPACE = new Set(
  [
    0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
  ].map((code) => String.fromCharCode(code)),
);

/** Python's str.strip() without arguments. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_WHITESPACE.has(text[start])) start++;
  while (end > start && PYTHON_WHITESPACE.has(text[end - 1])) end--;
  return text.slice(start, end);
}

/**
 * Python's json.dumps(value, ensure_ascii=False) with the default separators (", " and ": "),
 * for JSON values of strings, integers, booleans, null, arrays and objects (keys in
 * insertion order). Strings are escaped as JSON.stringify escapes them, which for well-formed
 * text is exactly what Python writes.
 */
export function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>).map(
      ([key, member]) => `${JSON.stringify(key)}: ${pythonJsonDumps(member)}`,
    );
    return `{${members.join(', ')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`${value} has no JSON form`);
  }
  return JSON.stringify(value);
}
