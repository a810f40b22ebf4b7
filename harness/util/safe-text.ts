/**
 * Text from outside (a server's answer, a file's bytes, a URL from the environment) made safe to
 * print or store: credentials replaced by [redacted], control characters (escape sequences that
 * would drive the terminal, carriage returns that overwrite a line, bidi overrides that reorder
 * it) shown as escapes. Every error message goes through safeText before it reaches a user.
 */

const REDACTED = '[redacted]';

/** Environment variables whose values are secrets: their values never appear in a message. */
export const SECRET_ENV_VARS = [
  'MLFLOW_TRACKING_TOKEN',
  'MLFLOW_TRACKING_PASSWORD',
  'OPENAI_API_KEY',
  'SKILLBENCH_API_KEY',
  'HF_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
] as const;

/** Names of fields and query parameters that hold secrets (access_token, api-key, password, ...). */
const SECRET_NAME = String.raw`\b(?:[\w-]*[_-])?(?:token|secret|password|passwd|pwd|api[_-]?key|access[_-]?key|signature|sig|credentials?)`;

const PATTERNS: [RegExp, string][] = [
  // an Authorization header (or JSON field), whatever its scheme
  [/(["']?(?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, `$1${REDACTED}`],
  // a bare credential scheme: Bearer abc, Basic dXNlcjpw...
  [/\b(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  // user:password@ in a URL
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*:[^/\s@]*@/gi, `$1${REDACTED}@`],
  // ?token=..., &api_key=... in a query string
  [new RegExp(String.raw`([?&;]${SECRET_NAME}=)[^&#;\s"']*`, 'gi'), `$1${REDACTED}`],
  // "password": "...", secret=..., api_key: ... in JSON, headers or config text
  [
    new RegExp(String.raw`(["']?${SECRET_NAME}["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;}&]{3,}`, 'gi'),
    `$1${REDACTED}`,
  ],
  // well-known token shapes
  [/\b(sk|pk|rk)-[A-Za-z0-9_-]{16,}/g, `$1-${REDACTED}`],
  [/\b(ghp|gho|ghs|github_pat|hf|xox[abp])_[A-Za-z0-9_]{16,}/g, `$1_${REDACTED}`],
];

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Credentials in `text` replaced by [redacted]. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let result = text;
  for (const name of SECRET_ENV_VARS) {
    const value = env[name];
    if (value && value.length >= 6) result = result.split(value).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Control characters as visible escapes (`\x1b`, `\r`, `\u202e`); newlines and tabs stay, since
 * messages may have several lines.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => {
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** What every message shown to a user or stored on a run goes through. */
export function safeText(text: string): string {
  return escapeControlCharacters(redactSecrets(text));
}
