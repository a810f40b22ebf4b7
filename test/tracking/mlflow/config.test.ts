import test from 'ava';
import {
  authorizationHeader,
  MlflowConfigError,
  readMlflowConfig,
} from '../../../harness/tracking/mlflow/config.ts';
import { InputError } from '../../../harness/util/errors.ts';

test('unset or blank MLFLOW_TRACKING_URI turns the mirror off', (t) => {
  t.is(readMlflowConfig({}), undefined);
  t.is(readMlflowConfig({ MLFLOW_TRACKING_URI: '  ' }), undefined);
});

test('the tracking URI is normalised (no trailing slash, path prefix kept)', (t) => {
  t.deepEqual(readMlflowConfig({ MLFLOW_TRACKING_URI: 'http://localhost:5000/' }), {
    trackingUri: 'http://localhost:5000',
    auth: undefined,
  });
  t.is(
    readMlflowConfig({ MLFLOW_TRACKING_URI: 'https://ml.example.org/mlflow//' })?.trackingUri,
    'https://ml.example.org/mlflow',
  );
});

test('anything but http(s) is a configuration error that says what to do', (t) => {
  for (const uri of ['file:./mlruns', 'sqlite:///mlflow.db', 'databricks', './mlruns']) {
    const error = t.throws(() => readMlflowConfig({ MLFLOW_TRACKING_URI: uri }), {
      instanceOf: MlflowConfigError,
    });
    t.true(error instanceof InputError, 'the CLI prints it without a stack and exits 2');
    t.regex(error.message, /http:\/\/ or https:\/\//);
  }
  t.throws(() => readMlflowConfig({ MLFLOW_TRACKING_URI: 'http://user:pw@host' }), {
    message: /must not contain credentials/,
  });
});

test('auth: username + password is basic (as in MLflow, it wins over a token); a token alone is bearer', (t) => {
  const basic = readMlflowConfig({
    MLFLOW_TRACKING_URI: 'http://h',
    MLFLOW_TRACKING_USERNAME: 'u',
    MLFLOW_TRACKING_PASSWORD: 'p',
    MLFLOW_TRACKING_TOKEN: 't',
  });
  t.deepEqual(basic?.auth, { kind: 'basic', username: 'u', password: 'p' });
  t.is(authorizationHeader(basic!.auth!), `Basic ${Buffer.from('u:p').toString('base64')}`);
  const bearer = readMlflowConfig({ MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_TOKEN: 't' });
  t.is(authorizationHeader(bearer!.auth!), 'Bearer t');
  t.throws(() => readMlflowConfig({ MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_USERNAME: 'u' }), {
    message: /MLFLOW_TRACKING_PASSWORD is not/,
  });
});
