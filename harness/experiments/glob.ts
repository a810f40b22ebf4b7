/** `--only` patterns: exact names, or globs with `*` (any run of characters) and `?` (one). */

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function matchesPattern(name: string, pattern: string): boolean {
  return isGlob(pattern) ? globToRegExp(pattern).test(name) : name === pattern;
}
