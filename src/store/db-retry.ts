import { setTimeout as sleep } from 'node:timers/promises';
import { HwsweepError } from '../errors.js';

/**
 * Riding out a database outage: every store call is retried with exponential backoff while the error says the
 * database is unreachable or restarting (not when the query itself is wrong), for a budget of several minutes, so a
 * PostgreSQL restart mid-sweep costs a pause, not a failed trial. Safe because every store call is idempotent (see
 * the TrialStore invariants): a call that died with its connection is simply made again.
 */

/** Prisma error codes that mean "the database is not there right now" (or a transient conflict worth retrying). */
const PRISMA_TRANSIENT = new Set([
  'P1001', // can't reach database server
  'P1002', // database server timed out
  'P1008', // operations timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2034', // write conflict or deadlock: retry the transaction
]);

/** Driver-adapter error kinds (`meta.driverAdapterError.cause.kind`) that are about the connection, not the query. */
const ADAPTER_TRANSIENT = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now),
 * 53300 (too many connections), 40001/40P01 (serialization failure, deadlock: retry the transaction).
 */
const SQLSTATE_TRANSIENT = /^(08...|57P0[123]|53300|40001|40P01)$/;

/** Node/pg socket-level failures. */
const NODE_TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGE_TRANSIENT = /Connection terminated|connection terminated|terminating connection|Can't reach database server|server closed the connection|the database system is (starting up|shutting down|in recovery mode)/;

/** True when `err` (or anything in its cause / driver-adapter chain) says the database is unreachable or restarting. */
export function isTransientDbError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length) {
    const e = stack.pop();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const x = e as Record<string, unknown>;
    const code = typeof x['code'] === 'string' ? x['code'] : undefined;
    if (code && (PRISMA_TRANSIENT.has(code) || SQLSTATE_TRANSIENT.test(code) || NODE_TRANSIENT.has(code))) return true;
    if (typeof x['kind'] === 'string' && ADAPTER_TRANSIENT.has(x['kind'])) return true;
    if (typeof x['originalCode'] === 'string' && SQLSTATE_TRANSIENT.test(x['originalCode'])) return true;
    if (typeof x['message'] === 'string' && MESSAGE_TRANSIENT.test(x['message'])) return true;
    stack.push(x['cause'], x['meta'], x['driverAdapterError']);
  }
  return false;
}

export interface DbRetryOptions {
  /** How long to keep retrying one call before giving up with STORE_UNAVAILABLE (default 5 minutes, env `HWSWEEP_DB_RETRY_MS`). */
  budgetMs?: number;
  /** First wait; doubles per retry up to `maxDelayMs` (defaults 500 ms and 15 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait, e.g. to heartbeat the activity that is waiting for the database. */
  onRetry?: (info: { attempt: number; delayMs: number; waitedMs: number; error: unknown }) => void;
}

const DEFAULT_DB_RETRY_MS = 5 * 60_000;

/** The retry budget from `HWSWEEP_DB_RETRY_MS` (milliseconds), or the 5-minute default. */
function dbRetryBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env['HWSWEEP_DB_RETRY_MS']);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_DB_RETRY_MS;
}

/** Runs `fn`, retrying transient database errors with exponential backoff within the budget. */
export async function withDbRetry<T>(what: string, fn: () => Promise<T>, o: DbRetryOptions = {}): Promise<T> {
  const budget = o.budgetMs ?? dbRetryBudgetMs();
  const t0 = Date.now();
  let delay = o.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const waited = Date.now() - t0;
      if (!isTransientDbError(err)) throw err;
      if (waited + delay > budget) {
        throw new HwsweepError('STORE_UNAVAILABLE', `${what}: the database stayed unreachable for ${Math.round(waited / 1000)} s (${attempt} tries)`, {
          cause: err,
          context: { operation: what, tries: attempt, waitedMs: waited },
          hint: 'is PostgreSQL up? `hwsweep status` checks it; HWSWEEP_DB_RETRY_MS sets how long store calls wait',
        });
      }
      o.onRetry?.({ attempt, delayMs: delay, waitedMs: waited, error: err });
      await sleep(delay);
      delay = Math.min(delay * 2, o.maxDelayMs ?? 15_000);
    }
  }
}
