import { checkExternalPostgres, postgresReady, startPostgres, stopPostgres } from './postgres.js';
import { redactUrl } from './redact.js';
import { loadSettings, temporalConnectionOptions, type Settings } from './settings.js';
import { startTemporal, stopTemporal } from './temporal.js';
import { temporalHealthCheck } from './temporal-rpc.js';

export { loadSettings, temporalConnectionOptions, workflowUiUrl, type Settings } from './settings.js';
export { findTemporalCli, ensureTemporalCli } from './temporal-cli.js';
export { redactSecrets, redactUrl } from './redact.js';

export interface ServiceHealth {
  name: 'postgres' | 'temporal';
  embedded: boolean;
  healthy: boolean;
  /** Where it is: `host:port`, or the database URL with its password masked. */
  address: string;
}

/**
 * Starts whatever is embedded (PostgreSQL, then Temporal) and checks whatever is external.
 * Idempotent: running services are reused. If Temporal fails to start, a Postgres started here is stopped again.
 */
export async function servicesUp(s: Settings = loadSettings(), log: (m: string) => void = () => {}): Promise<Settings> {
  let startedPg = false;
  if (s.embeddedPostgres) {
    const wasUp = await postgresReady(s.databaseUrl, 1000);
    await startPostgres(s.paths, s.ports.postgres, log);
    startedPg = !wasUp;
  } else {
    await checkExternalPostgres(s.databaseUrl);
  }
  try {
    if (s.embeddedTemporal) await startTemporal(s.paths, s.ports, log);
  } catch (err) {
    if (startedPg) await stopPostgres(s.paths);
    throw err;
  }
  return s;
}

/** Stops the embedded services (external ones are left alone). */
export async function servicesDown(s: Settings = loadSettings()): Promise<{ postgres: boolean; temporal: boolean }> {
  const temporal = s.embeddedTemporal ? await stopTemporal(s.paths) : false;
  const postgres = s.embeddedPostgres ? await stopPostgres(s.paths) : false;
  return { postgres, temporal };
}

export async function servicesStatus(s: Settings = loadSettings()): Promise<ServiceHealth[]> {
  const [pg, tmp] = await Promise.all([postgresReady(s.databaseUrl), temporalHealthCheck(temporalConnectionOptions(s))]);
  return [
    { name: 'postgres', embedded: s.embeddedPostgres, healthy: pg, address: redactUrl(s.databaseUrl) },
    { name: 'temporal', embedded: s.embeddedTemporal, healthy: tmp, address: s.temporalAddress },
  ];
}
