import { InputError } from '../../util/errors.ts';

/**
 * Where the MLflow mirror goes, read from the same environment variables MLflow's own clients
 * use. Only http(s) tracking servers are supported: skillbench talks to MLflow through its REST
 * API, never to a `file:` folder, a database URI or `databricks`.
 */

export type MlflowAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

export interface MlflowConfig {
  /** normalised: scheme, host, port and path prefix, no trailing slash, no credentials */
  trackingUri: string;
  auth?: MlflowAuth;
}

/** A bad MLFLOW_* setting: the CLI prints it without a stack and exits with code 2. */
export class MlflowConfigError extends InputError {}

type Env = Record<string, string | undefined>;

/** The mirror's settings, or undefined when MLFLOW_TRACKING_URI is not set (mirroring is off). */
export function readMlflowConfig(env: Env = process.env): MlflowConfig | undefined {
  const raw = env.MLFLOW_TRACKING_URI?.trim();
  if (!raw) return undefined;
  return { trackingUri: normaliseTrackingUri(raw), auth: readAuth(env) };
}

export function normaliseTrackingUri(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MlflowConfigError(
      `MLFLOW_TRACKING_URI must be the http:// or https:// URL of an MLflow tracking server; got "${raw}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MlflowConfigError(
      `MLFLOW_TRACKING_URI must be the http:// or https:// URL of an MLflow tracking server; got "${raw}" ` +
        `(scheme ${url.protocol.replace(/:$/, '')} is not supported: skillbench mirrors through the REST API only, ` +
        'start one with `mlflow server --serve-artifacts`)',
    );
  }
  if (url.username || url.password) {
    throw new MlflowConfigError(
      'MLFLOW_TRACKING_URI must not contain credentials; set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD ' +
        '(or MLFLOW_TRACKING_TOKEN) instead',
    );
  }
  if (url.search || url.hash) {
    throw new MlflowConfigError(`MLFLOW_TRACKING_URI must not contain a query or fragment; got "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Basic auth when both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are set, else a
 * bearer token from MLFLOW_TRACKING_TOKEN: the same precedence as MLflow's Python client.
 */
function readAuth(env: Env): MlflowAuth | undefined {
  const username = env.MLFLOW_TRACKING_USERNAME;
  const password = env.MLFLOW_TRACKING_PASSWORD;
  const token = env.MLFLOW_TRACKING_TOKEN;
  if (username && password) return { kind: 'basic', username, password };
  if (username || password) {
    throw new MlflowConfigError(
      `MLFLOW_TRACKING_${username ? 'USERNAME' : 'PASSWORD'} is set but MLFLOW_TRACKING_${username ? 'PASSWORD' : 'USERNAME'} is not: basic auth needs both`,
    );
  }
  if (token) return { kind: 'bearer', token };
  return undefined;
}

/** The Authorization header value for a configured auth. */
export function authorizationHeader(auth: MlflowAuth): string {
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}
