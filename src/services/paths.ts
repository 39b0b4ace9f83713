import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Ports the embedded services listen on (loopback only). Override with env vars; tests use their own set.
 * All below 32768: Linux hands out 32768–60999 as ephemeral ports (outgoing connections, and the Temporal dev
 * server's internal services), so a fixed port there collides now and then.
 */
export interface ServicePorts {
  postgres: number;
  temporal: number;
  temporalUi: number;
}

export const DEFAULT_PORTS: ServicePorts = { postgres: 25432, temporal: 7233, temporalUi: 8233 };

/** Where one installation keeps its embedded state (database files, Temporal's SQLite file, logs, pids). */
export interface StatePaths {
  stateDir: string;
  pgDataDir: string;
  pgLog: string;
  temporalDb: string;
  temporalLog: string;
  temporalPid: string;
  servicesFile: string;
  artifactsDir: string;
}

export function statePaths(stateDir = process.env['HWSWEEP_STATE_DIR'] ?? '.hwsweep'): StatePaths {
  const dir = resolve(stateDir);
  return {
    stateDir: dir,
    pgDataDir: join(dir, 'postgres'),
    pgLog: join(dir, 'postgres.log'),
    temporalDb: join(dir, 'temporal.sqlite'),
    temporalLog: join(dir, 'temporal.log'),
    temporalPid: join(dir, 'temporal.pid'),
    servicesFile: join(dir, 'services.json'),
    artifactsDir: join(dir, 'artifacts'),
  };
}

/** Per-user cache outside any clone (the built Temporal CLI lives here and is reused by every checkout). */
export function cacheDir(): string {
  return resolve(process.env['HWSWEEP_CACHE_DIR'] ?? join(homedir(), '.cache', 'hwsweep'));
}

export function portsFromEnv(base: ServicePorts = DEFAULT_PORTS): ServicePorts {
  const num = (name: string, dflt: number): number => {
    const v = process.env[name];
    return v ? Number.parseInt(v, 10) : dflt;
  };
  return {
    postgres: num('HWSWEEP_PG_PORT', base.postgres),
    temporal: num('HWSWEEP_TEMPORAL_PORT', base.temporal),
    temporalUi: num('HWSWEEP_TEMPORAL_UI_PORT', base.temporalUi),
  };
}
