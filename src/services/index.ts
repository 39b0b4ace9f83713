import { HwsweepError } from '../errors.js';
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

/** What to do about a service that does not answer (for `status` and for commands that need it). */
export function unreachableHint(h: Pick<ServiceHealth, 'name' | 'embedded'>): string {
  if (h.embedded) return 'start it with `hwsweep up`';
  return h.name === 'postgres'
    ? 'is that server up? check DATABASE_URL'
    : 'is that cluster up? check TEMPORAL_ADDRESS (and TLS settings)';
}

/** The error of a command that could not connect to Temporal: the address, the cause, what to do. */
export function temporalUnreachable(s: Settings, cause: unknown): HwsweepError {
  return new HwsweepError(
    'SERVICE_UNAVAILABLE',
    `cannot connect to Temporal at ${s.temporalAddress}: ${(cause as Error).message}`,
    {
      cause,
      hint: unreachableHint({ name: 'temporal', embedded: s.embeddedTemporal }),
    },
  );
}

/**
 * Fails with SERVICE_UNAVAILABLE naming each service that does not answer, its address and a hint, for commands
 * such as `worker` that cannot do anything without both (and would otherwise die on a bare ECONNREFUSED).
 */
export async function requireServices(s: Settings = loadSettings()): Promise<void> {
  const down = (await servicesStatus(s)).filter((h) => !h.healthy);
  if (down.length === 0) return;
  throw new HwsweepError(
    'SERVICE_UNAVAILABLE',
    `not reachable: ${down.map((h) => `${h.name} at ${h.address}`).join(', ')}`,
    {
      hint: [...new Set(down.map(unreachableHint))].join('; '),
    },
  );
}

export async function servicesStatus(s: Settings = loadSettings()): Promise<ServiceHealth[]> {
  const [pg, tmp] = await Promise.all([
    postgresReady(s.databaseUrl),
    temporalHealthCheck(temporalConnectionOptions(s)),
  ]);
  return [
    { name: 'postgres', embedded: s.embeddedPostgres, healthy: pg, address: redactUrl(s.databaseUrl) },
    { name: 'temporal', embedded: s.embeddedTemporal, healthy: tmp, address: s.temporalAddress },
  ];
}
