import test from 'ava';
import { escapeControlCharacters, redactSecrets, safeText } from '../../harness/util/safe-text.ts';

test('credentials in headers, URLs, query strings and JSON are redacted', (t) => {
  const cases: [string, string][] = [
    ['Authorization: Bearer abc.def-123', 'Authorization: [redacted]'],
    ['{"authorization":"Basic dXNlcjpwYXNz"}', '{"authorization":"[redacted]"}'],
    ['echo: Bearer eyJhbGciOiJIUzI1NiJ9.x', 'echo: Bearer [redacted]'],
    ['got "https://ada:hunter22@mlflow.example/api"', 'got "https://[redacted]@mlflow.example/api"'],
    ['http://127.0.0.1:5000/?token=s3cr3t&x=1', 'http://127.0.0.1:5000/?token=[redacted]&x=1'],
    ['http://h/?access_token=abc;api-key=def', 'http://h/?access_token=[redacted];api-key=[redacted]'],
    ['{"password": "hunter22", "user": "ada"}', '{"password": "[redacted]", "user": "ada"}'],
    ['OPENAI key sk-abcdefghijklmnopqrstuvwx rejected', 'OPENAI key sk-[redacted] rejected'],
  ];
  for (const [input, expected] of cases) t.is(redactSecrets(input, {}), expected, input);
});

test('ordinary messages are left alone', (t) => {
  for (const text of [
    'max_tokens: 2048 exceeded',
    'test.jsonl:3: 12 tokens but 11 tags',
    'run key 3f2a9c (author: ada)',
    'GET /api/2.0/mlflow/runs/get?run_id=abc: TIMEOUT',
  ]) {
    t.is(redactSecrets(text, {}), text);
  }
});

test('the values of secret environment variables never appear', (t) => {
  t.is(
    redactSecrets('server said: unknown user plainvalue99', { MLFLOW_TRACKING_PASSWORD: 'plainvalue99' }),
    'server said: unknown user [redacted]',
  );
});

test('control characters are shown as escapes; newlines and tabs stay', (t) => {
  t.is(escapeControlCharacters('a\x1b[2Jb\rc\u202ed\n\te\x07'), 'a\\x1b[2Jb\\rc\\u202ed\n\te\\x07');
  t.is(
    safeText('bad tag "\x1b[31mB-SKILL" with Bearer abcdefgh'),
    'bad tag "\\x1b[31mB-SKILL" with Bearer [redacted]',
  );
});
