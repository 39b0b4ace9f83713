import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { embeddedUrl } from './postgres.js';
import { portsFromEnv, statePaths, type ServicePorts, type StatePaths } from './paths.js';

/**
 * Where hwsweep's services are. External services are chosen by env vars; otherwise the embedded ones under the
 * state dir. Env vars:
 * - `DATABASE_URL`: external PostgreSQL (else embedded on HWSWEEP_PG_PORT, default 25432)
 * - `TEMPORAL_ADDRESS` (host:port), `TEMPORAL_NAMESPACE` (default `default`),
 *   `TEMPORAL_TLS_CERT` / `TEMPORAL_TLS_KEY` (mTLS, PEM file paths), `TEMPORAL_TLS_CA`, `TEMPORAL_TLS=1`,
 *   `TEMPORAL_API_KEY` (Temporal Cloud API key; implies TLS)
 * - `HWSWEEP_STATE_DIR` (default `.hwsweep`), `HWSWEEP_TEMPORAL_PORT`, `HWSWEEP_TEMPORAL_UI_PORT`
 */
export interface Settings {
  paths: StatePaths;
  ports: ServicePorts;
  databaseUrl: string;
  embeddedPostgres: boolean;
  temporalAddress: string;
  temporalNamespace: string;
  embeddedTemporal: boolean;
  temporalUiUrl: string | undefined;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const paths = statePaths(env['HWSWEEP_STATE_DIR']);
  const ports = portsFromEnv();
  const externalDb = env['DATABASE_URL'];
  const externalTemporal = env['TEMPORAL_ADDRESS'];
  return {
    paths,
    ports,
    databaseUrl: externalDb ?? embeddedUrl(ports.postgres),
    embeddedPostgres: !externalDb,
    temporalAddress: externalTemporal ?? `127.0.0.1:${ports.temporal}`,
    temporalNamespace: env['TEMPORAL_NAMESPACE'] ?? 'default',
    embeddedTemporal: !externalTemporal,
    temporalUiUrl: externalTemporal ? env['TEMPORAL_UI_URL'] : `http://127.0.0.1:${ports.temporalUi}`,
  };
}

/** Options accepted by both @temporalio/client's Connection and the worker's NativeConnection. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** Connection options for @temporalio/client and NativeConnection (TLS / mTLS / API key from env). */
export function temporalConnectionOptions(s: Settings, env: NodeJS.ProcessEnv = process.env): TemporalConnectionOptions {
  const cert = env['TEMPORAL_TLS_CERT'];
  const key = env['TEMPORAL_TLS_KEY'];
  const ca = env['TEMPORAL_TLS_CA'];
  const apiKey = env['TEMPORAL_API_KEY'];
  const tlsWanted = Boolean(cert || ca || apiKey || env['TEMPORAL_TLS'] === '1');
  const opts: TemporalConnectionOptions = { address: s.temporalAddress };
  if (tlsWanted) {
    opts.tls = {
      ...(cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {}),
      ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
    };
  }
  if (apiKey) opts.apiKey = apiKey;
  return opts;
}

/** Web UI link for a workflow, when a UI is known. */
export function workflowUiUrl(s: Settings, workflowId: string): string | undefined {
  if (!s.temporalUiUrl) return undefined;
  return `${s.temporalUiUrl}/namespaces/${encodeURIComponent(s.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
