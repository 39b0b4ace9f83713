import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { HwsweepError } from '../errors.js';
import type { ServicePorts, StatePaths } from './paths.js';
import { assertPortFree, isAlive, tail, terminate, waitFor } from './process.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { temporalHealthCheck } from './temporal-rpc.js';

/**
 * Embedded Temporal: `temporal server start-dev` persisting to a SQLite file under the state dir, started as
 * a detached daemon (its pid in `<state>/temporal.pid`) so workflow history survives `down`/`up`.
 */

function readPid(paths: StatePaths): number | undefined {
  if (!existsSync(paths.temporalPid)) return undefined;
  const pid = Number.parseInt(readFileSync(paths.temporalPid, 'utf8'), 10);
  return Number.isFinite(pid) && isAlive(pid) ? pid : undefined;
}

/** Starts the dev server unless it is already running and healthy; returns the gRPC address. */
export async function startTemporal(
  paths: StatePaths,
  ports: ServicePorts,
  log: (m: string) => void = () => {},
): Promise<string> {
  const address = `127.0.0.1:${ports.temporal}`;
  const running = readPid(paths);
  if (running && (await temporalHealthCheck({ address }))) return address;
  if (running) await terminate(running);
  const cli = await ensureTemporalCli(log);
  await assertPortFree(ports.temporal, 'Temporal', 'HWSWEEP_TEMPORAL_PORT');
  await assertPortFree(ports.temporalUi, 'Temporal Web UI', 'HWSWEEP_TEMPORAL_UI_PORT');
  mkdirSync(paths.stateDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', paths.temporalDb,
    '--ip', '127.0.0.1',
    '--port', String(ports.temporal),
    '--ui-port', String(ports.temporalUi),
    '--http-port', String(ports.temporal + 10),
    '--metrics-port', String(ports.temporal + 20),
    '--log-level', 'warn',
    // WAL + synchronous=NORMAL: durable across process crashes (a power cut may lose the last transactions),
    // several times faster than the default rollback journal with a full fsync per transaction.
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    // Sweeps start thousands of children: lift the dev server's default rate limits.
    '--dynamic-config-value', 'frontend.rps=10000',
    '--dynamic-config-value', 'frontend.namespaceRPS=10000',
    '--dynamic-config-value', 'history.rps=10000',
    '--dynamic-config-value', 'matching.rps=10000',
    // The history service reads its transfer queue (child starts and completions, a new workflow's first task) at
    // most 20 times a second by default: each such hop waited ~48 ms, 3 per trial, so serial sweeps ran ~5 no-op
    // trials/s. Lifted, a hop takes a few ms (bench:orchestration, maxParallel 1: 5.0 -> 19.3 trials/s).
    '--dynamic-config-value', 'history.transferProcessorMaxPollRPS=1000',
  ];
  const fd = openSync(paths.temporalLog, 'a');
  const child = spawn(cli, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new HwsweepError('SERVICE_UNAVAILABLE', `could not spawn ${cli}`);
  writeFileSync(paths.temporalPid, String(pid));
  const ok = await waitFor(() => temporalHealthCheck({ address }, 1000), {
    timeoutMs: 90_000,
    intervalMs: 300,
    onWait: () => {
      if (!isAlive(pid)) throw new HwsweepError('SERVICE_UNAVAILABLE', 'Temporal dev server exited during start-up');
    },
  }).catch(async (err: unknown) => {
    rmSync(paths.temporalPid, { force: true });
    const why = await tail(paths.temporalLog, 3);
    throw new HwsweepError('SERVICE_UNAVAILABLE', `${(err as Error).message}: ${why}`, { hint: `see ${paths.temporalLog}` });
  });
  if (!ok) {
    await terminate(pid);
    rmSync(paths.temporalPid, { force: true });
    throw new HwsweepError('SERVICE_UNAVAILABLE', 'Temporal dev server did not become healthy within 90 s', {
      hint: `see ${paths.temporalLog}`,
    });
  }
  return address;
}

export async function stopTemporal(paths: StatePaths): Promise<boolean> {
  const pid = readPid(paths);
  rmSync(paths.temporalPid, { force: true });
  if (!pid) return false;
  await terminate(pid, 15_000);
  return true;
}
