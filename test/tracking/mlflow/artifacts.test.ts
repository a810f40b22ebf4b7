import test from 'ava';
import { artifactEndpoint, proxiedArtifactRoot } from '../../../harness/tracking/mlflow/artifacts.ts';

test('proxied artifact roots come from mlflow-artifacts: URIs only', (t) => {
  t.is(proxiedArtifactRoot('mlflow-artifacts:/1/abc/artifacts'), '1/abc/artifacts');
  t.is(proxiedArtifactRoot('mlflow-artifacts://host:5000/1/abc/artifacts'), '1/abc/artifacts');
  t.is(proxiedArtifactRoot('s3://bucket/1/abc/artifacts'), undefined);
  t.is(proxiedArtifactRoot('/srv/mlruns/1/abc/artifacts'), undefined);
  t.is(
    artifactEndpoint('1/abc/artifacts', 'a b/c#d.txt'),
    '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/a%20b/c%23d.txt',
  );
});
