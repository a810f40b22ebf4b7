import { extname } from 'node:path';

/**
 * Where a run's artifacts go through the server's artifact proxy. A server started with
 * `mlflow server --serve-artifacts` (the default since MLflow 2.0) gives runs an artifact URI such
 * as `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts` (or `mlflow-artifacts://host:port/...`);
 * files are then PUT to `/api/2.0/mlflow-artifacts/artifacts/<that path>/<artifact path>`.
 * Any other artifact URI (s3://, a local folder) means the server does not proxy this run's
 * artifacts and the client would have to write to that storage itself, which skillbench does not.
 */
export function proxiedArtifactRoot(artifactUri: string | undefined): string | undefined {
  if (!artifactUri) return undefined;
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?(\/.*)?$/.exec(artifactUri);
  if (!match) return undefined;
  return (match[1] ?? '').replace(/^\/+|\/+$/g, '');
}

/** The artifact root MLflow gives a run when nothing else is configured (the brief's fallback). */
export function defaultArtifactRoot(experimentId: string, runId: string): string {
  return `${experimentId}/${runId}/artifacts`;
}

/** Why an artifact path cannot be used under a run's artifact root; undefined when it is fine. */
export function invalidArtifactPathReason(path: string): string | undefined {
  if (path === '') return 'the artifact path is empty';
  if (path.includes('\\')) return 'the artifact path contains a backslash (use forward slashes)';
  if (path.startsWith('/')) return 'the artifact path must be relative to the run';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    return 'the artifact path has an empty, "." or ".." segment';
  }
  return undefined;
}

/** The proxy endpoint path for one file, each segment URL-encoded. */
export function artifactEndpoint(root: string, artifactPath: string): string {
  const segments = [...root.split('/'), ...artifactPath.split('/')].filter((part) => part !== '');
  return `/api/2.0/mlflow-artifacts/artifacts/${segments.map(encodeURIComponent).join('/')}`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.html': 'text/html',
  '.md': 'text/markdown',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.tex': 'application/x-tex',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
