import test from 'ava';
import { errorFromResponse, isUnreachable } from '../../../harness/tracking/mlflow/errors.ts';

test('MLflow error bodies are parsed into status, code and message', (t) => {
  const error = errorFromResponse(
    'POST',
    '/api/2.0/mlflow/runs/log-batch',
    400,
    '{"error_code": "INVALID_PARAMETER_VALUE", "message": "Changing param values is not allowed."}',
    new Headers(),
  );
  t.is(error.status, 400);
  t.is(error.errorCode, 'INVALID_PARAMETER_VALUE');
  t.is(error.detail, 'Changing param values is not allowed.');
  t.false(error.transient);
  t.is(
    error.message,
    'POST /api/2.0/mlflow/runs/log-batch: INVALID_PARAMETER_VALUE (HTTP 400): Changing param values is not allowed.',
  );
});

test('bodies that are not MLflow JSON get a code from the status', (t) => {
  const html = errorFromResponse('GET', '/x', 404, '<h1>Not Found</h1>', new Headers());
  t.is(html.errorCode, 'ENDPOINT_NOT_FOUND');
  const busy = errorFromResponse('GET', '/x', 503, '', new Headers({ 'retry-after': '3' }));
  t.is(busy.errorCode, 'TEMPORARILY_UNAVAILABLE');
  t.true(busy.transient);
  t.is(busy.retryAfterSeconds, 3);
  t.true(isUnreachable(busy));
  t.true(errorFromResponse('GET', '/x', 429, '', new Headers()).transient);
  t.false(errorFromResponse('GET', '/x', 501, '', new Headers()).transient);
  const noArtifacts = errorFromResponse(
    'PUT',
    '/x',
    503,
    'disabled due to the mlflow server running with `--no-serve-artifacts`',
    new Headers(),
  );
  t.is(noArtifacts.errorCode, 'ARTIFACTS_NOT_SERVED');
  t.false(noArtifacts.transient);
  t.false(isUnreachable(noArtifacts));
});
