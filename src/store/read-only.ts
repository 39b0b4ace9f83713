import pg from 'pg';
import { HwsweepError } from '../errors.js';
import { redactUrl } from '../services/redact.js';
import { loadSettings } from '../services/settings.js';

/**
 * Read-only SQL over the results, shared by `hwsweep sql`, `hwsweep results` and the dashboard.
 *
 * Every query runs as the database's reader role (`<database>_reader`, created by migration
 * 20261202120000_reader_role; SELECT on the result tables and views only, no superuser, no file or program access,
 * read-only by default), never as the admin login of DATABASE_URL. On top of the role's own limits:
 * - the text must be ONE query: it is declared as a cursor (`DECLARE … CURSOR FOR <query>`) through the extended
 *   protocol, so the server refuses several statements (`commit; …`) and anything but SELECT / VALUES / TABLE /
 *   WITH … SELECT (`copy`, `do`, `call`, `set`, `lock`, `listen`, `prepare`, …) before executing any of it;
 * - it runs in a READ ONLY, REPEATABLE READ transaction that is always rolled back;
 * - its time budget (server time, summed over the fetches) is re-armed by us as `statement_timeout` before every
 *   fetch, so a query that changes its own timeout (`set_config('statement_timeout', '0', …)`) still stops;
 * - rows are fetched in batches from the cursor, so a huge result streams in constant memory, up to `maxRows`;
 * - pooled connections are reset with `DISCARD ALL` (advisory locks, LISTEN, session settings) before reuse.
 *
 * Login: `HWSWEEP_READER_URL` when set (e.g. a role your DBA manages); otherwise the reader's login is read with
 * DATABASE_URL's (admin) credentials from the admin-only table `_hwsweep_reader`, and used with DATABASE_URL's
 * host, port and database. Before first use the login is checked to be harmless (not superuser, no write grants,
 * no server-file roles, owns nothing): a misconfigured HWSWEEP_READER_URL is refused, never used.
 */

/** One result column: its name and PostgreSQL type (`typeOid`; see {@link fieldKind}). */
export interface ReadOnlyField {
  name: string;
  typeOid: number;
}

/** A row as the server's text for each column (NULL as `null`), in column order: exact, nothing parsed. */
export type RawRow = (string | null)[];

/** A value parsed by node-postgres' default type parsers (numbers, Dates, parsed JSON, int8/numeric as strings…). */
export type Value = string | number | boolean | bigint | Date | Buffer | null | undefined | unknown[] | { [key: string]: unknown };

export interface ReadOnlyOptions {
  /** Bind parameters for `$1`, `$2`, … */
  params?: unknown[];
  /** Server time the query may use in total, in ms. @default 30_000 */
  timeoutMs?: number;
  /** Stop after this many rows (the summary says `truncated`); 0 or undefined = no limit. */
  maxRows?: number;
  /** Rows per fetch from the cursor. @default 1000 */
  batchRows?: number;
  /** Admin connection URL used to find the reader's login. @default the settings' DATABASE_URL (or embedded) */
  databaseUrl?: string;
}

/** Receives a streamed result: the columns once, then batches of rows; both are awaited (backpressure). */
export interface ReadOnlySink {
  fields(fields: ReadOnlyField[]): void | Promise<void>;
  rows(batch: RawRow[]): void | Promise<void>;
}

export interface ReadOnlySummary {
  fields: ReadOnlyField[];
  rowCount: number;
  /** True when `maxRows` cut the result: more rows exist. */
  truncated: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const CURSOR = 'hwsweep_read_only';
const DECLARE = `declare ${CURSOR} no scroll cursor for `;
const LIST_RELATIONS = `select table_name, table_type from information_schema.tables where table_schema = current_schema()`;
const HINT = `one SELECT (or WITH … SELECT, VALUES, TABLE) per call; list what you can read with: hwsweep sql "${LIST_RELATIONS}"`;

/** How an output format should treat a column, from its PostgreSQL type. */
export type FieldKind = 'integer' | 'float' | 'numeric' | 'boolean' | 'json' | 'timestamptz' | 'timestamp' | 'array' | 'text';

const KINDS: Record<number, FieldKind> = {
  20: 'integer', 21: 'integer', 23: 'integer', 26: 'integer', // int8, int2, int4, oid
  700: 'float', 701: 'float', 1700: 'numeric', 16: 'boolean', 114: 'json', 3802: 'json',
  1184: 'timestamptz', 1114: 'timestamp',
};

/** Array type -> element type, for the arrays of the kinds above (and text/varchar). */
const ARRAY_ELEMENTS: Record<number, number> = {
  1005: 21, 1007: 23, 1016: 20, 1028: 26, 1021: 700, 1022: 701, 1231: 1700, 1000: 16, 199: 114, 3807: 3802,
  1185: 1184, 1115: 1114, 1009: 25, 1015: 1043,
};

export function fieldKind(typeOid: number): FieldKind {
  return KINDS[typeOid] ?? (ARRAY_ELEMENTS[typeOid] !== undefined ? 'array' : 'text');
}

/** The element type of an array type (0 when `typeOid` is not one of the arrays hwsweep decodes). */
export function arrayElementOid(typeOid: number): number {
  return ARRAY_ELEMENTS[typeOid] ?? 0;
}

/** Parses one raw value with node-postgres' default parser for its type (what `readOnlyQuery` returns). */
export function parseValue(text: string | null, typeOid: number): Value {
  return text === null ? null : (pg.types.getTypeParser(typeOid, 'text')(text) as Value);
}

/**
 * Streams one read-only query into `sink`. Throws HwsweepError: INVALID_ARGUMENT for a refused, invalid or too slow
 * query (one clear line, the position within the caller's text), SERVICE_UNAVAILABLE when PostgreSQL cannot be
 * reached (address with the password masked, and a hint).
 */
export async function streamReadOnlyQuery(sql: string, sink: ReadOnlySink, opts: ReadOnlyOptions = {}): Promise<ReadOnlySummary> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRows = opts.maxRows ?? 0;
  const batchRows = opts.batchRows ?? 1000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw argError('timeoutMs', timeoutMs, 'an integer number of ms ≥ 1');
  if (!Number.isInteger(maxRows) || maxRows < 0) throw argError('maxRows', maxRows, 'an integer ≥ 0 (0 = no limit)');
  if (!Number.isInteger(batchRows) || batchRows < 1) throw argError('batchRows', batchRows, 'an integer ≥ 1');
  if (sql.trim() === '') throw new HwsweepError('INVALID_ARGUMENT', 'sql: the query is empty', { hint: HINT });

  const pool = await readerPool(opts.databaseUrl ?? loadSettings().databaseUrl);
  const client = await connect(pool);
  let broken: Error | undefined;
  try {
    await client.query('begin isolation level repeatable read read only');
    // Exact text for every value: shortest round-trip floats, ISO dates in UTC (see docs/sql.md).
    await client.query(`select set_config('extra_float_digits', '3', true), set_config('DateStyle', 'ISO, YMD', true),
      set_config('TimeZone', 'UTC', true), set_config('IntervalStyle', 'iso_8601', true)`);
    let spentMs = 0;
    const timed = async <T>(run: () => Promise<T>): Promise<T> => {
      const left = timeoutMs - spentMs;
      if (left < 1) throw timeoutError(timeoutMs);
      await client.query(`set local statement_timeout = ${Math.ceil(left)}`);
      const t0 = performance.now();
      try {
        return await run();
      } finally {
        spentMs += performance.now() - t0;
      }
    };
    try {
      // queryMode 'extended': Parse refuses several statements ("cannot insert multiple commands…").
      const declare = { text: DECLARE + sql, values: opts.params ?? [], queryMode: 'extended' } as pg.QueryConfig; // @types/pg lacks queryMode
      await timed(() => client.query(declare));
    } catch (err) {
      throw translate(err, sql, timeoutMs);
    }
    let fields: ReadOnlyField[] | undefined;
    let rowCount = 0;
    let truncated = false;
    for (;;) {
      const want = maxRows > 0 ? Math.min(batchRows, maxRows - rowCount + 1) : batchRows;
      let res: pg.QueryArrayResult<RawRow>;
      try {
        res = await timed(() => client.query<RawRow>({ text: `fetch forward ${want} from ${CURSOR}`, rowMode: 'array', types: RAW_TEXT }));
      } catch (err) {
        throw translate(err, sql, timeoutMs);
      }
      if (!fields) {
        fields = res.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID }));
        await sink.fields(fields);
      }
      let batch = res.rows;
      if (maxRows > 0 && rowCount + batch.length > maxRows) {
        batch = batch.slice(0, maxRows - rowCount);
        truncated = true;
      }
      rowCount += batch.length;
      if (batch.length > 0) await sink.rows(batch);
      if (truncated || res.rows.length < want) break;
    }
    return { fields, rowCount, truncated };
  } catch (err) {
    broken = err instanceof HwsweepError ? undefined : (err as Error);
    throw err;
  } finally {
    await release(client, broken);
  }
}

/**
 * Runs one read-only query and returns its rows parsed by node-postgres' default type parsers (float8 as number,
 * int8 and numeric as exact strings, timestamps as Date, json parsed). Same rules as {@link streamReadOnlyQuery};
 * `opts.maxRows` (default 100,000) bounds the memory held, `truncated` says when it cut the result.
 */
export async function readOnlyQuery(
  sql: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  params: unknown[] = [],
  opts: Omit<ReadOnlyOptions, 'params' | 'timeoutMs'> = {},
): Promise<{ rows: Record<string, Value>[]; columns: string[]; fields: ReadOnlyField[]; truncated: boolean }> {
  const rows: Record<string, Value>[] = [];
  let fields: ReadOnlyField[] = [];
  const summary = await streamReadOnlyQuery(
    sql,
    {
      fields: (f) => {
        fields = f;
      },
      rows: (batch) => {
        for (const raw of batch) rows.push(Object.fromEntries(fields.map((f, i) => [f.name, parseValue(raw[i] ?? null, f.typeOid)])));
      },
    },
    { ...opts, params, timeoutMs, maxRows: opts.maxRows ?? 100_000 },
  );
  return { rows, columns: summary.fields.map((f) => f.name), fields: summary.fields, truncated: summary.truncated };
}

/** Ends the reader connection pools (the dashboard on shutdown; tests). Idle pools never keep the process alive. */
export async function closeReadOnly(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.end()));
}

/**
 * The reader's connection URL for an admin URL: `HWSWEEP_READER_URL` if set, else the login stored by the reader
 * migration with the admin URL's host, port and database. Contains a password: never print it unmasked.
 */
export async function readerUrl(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env['HWSWEEP_READER_URL'];
  if (fromEnv) return fromEnv;
  const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw unreachable(databaseUrl, err);
  }
  try {
    const exists = await admin.query<{ ok: boolean }>(`select to_regclass('"_hwsweep_reader"') is not null as ok`);
    if (!exists.rows[0]?.ok) {
      throw new HwsweepError('SERVICE_UNAVAILABLE', `the read-only role is not set up in ${redactUrl(databaseUrl)} (migration 20261202120000_reader_role not applied)`, {
        hint: 'run `hwsweep up` (it applies pending migrations), or set HWSWEEP_READER_URL to a read-only login',
      });
    }
    const r = await admin.query<{ role: string; password: string }>('select role, password from "_hwsweep_reader" where id = 1');
    const login = r.rows[0];
    if (!login) {
      throw new HwsweepError('SERVICE_UNAVAILABLE', `the read-only role could not be created in ${redactUrl(databaseUrl)} (the migrating user lacks CREATEROLE)`, {
        hint: 'ask an administrator to create it (docs/sql.md, "The reader role"), or set HWSWEEP_READER_URL to a read-only login',
      });
    }
    const url = new URL(databaseUrl);
    url.username = encodeURIComponent(login.role);
    url.password = encodeURIComponent(login.password);
    return url.toString();
  } finally {
    await admin.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Every type as the server's text (pg's parsers are applied later, only where asked for). */
const RAW_TEXT = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

const pools = new Map<string, Promise<pg.Pool>>();

function readerPool(databaseUrl: string): Promise<pg.Pool> {
  const key = `${databaseUrl}\n${process.env['HWSWEEP_READER_URL'] ?? ''}`;
  let p = pools.get(key);
  if (!p) {
    p = (async () => {
      const url = await readerUrl(databaseUrl);
      const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000, allowExitOnIdle: true, application_name: 'hwsweep-read-only' });
      pool.on('error', () => undefined); // an idle client lost (server restart): the pool replaces it
      const c = await connect(pool, url);
      try {
        await assertHarmless(c, url);
      } finally {
        c.release();
      }
      return pool;
    })();
    p.catch(() => pools.delete(key));
    pools.set(key, p);
  }
  return p;
}

async function connect(pool: pg.Pool, url?: string): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw unreachable(url ?? (pool.options.connectionString as string), err);
  }
}

/** Rolls back and resets a pooled session (advisory locks, LISTEN, temp objects, settings) before reuse. */
async function release(client: pg.PoolClient, broken: Error | undefined): Promise<void> {
  if (broken) return client.release(broken);
  try {
    await client.query('rollback');
    await client.query('discard all');
    client.release();
  } catch (err) {
    client.release(err as Error);
  }
}

/** Refuses a login that could write, read server files or escalate: the reader must be harmless whatever its origin. */
async function assertHarmless(c: pg.PoolClient, url: string): Promise<void> {
  const r = await c.query<{ problem: string }>(
    `with me as (select * from pg_roles where rolname = current_user)
     select 'is a superuser' as problem from me where rolsuper
     union all select 'may bypass row security' from me where rolbypassrls
     union all select 'may create roles or databases' from me where rolcreaterole or rolcreatedb
     union all select 'is a replication role' from me where rolreplication
     union all select 'is a member of ' || r from unnest(array['pg_read_server_files', 'pg_write_server_files',
       'pg_execute_server_program', 'pg_write_all_data', 'pg_read_all_data', 'pg_signal_backend']) r
       where to_regrole(r) is not null and pg_has_role(current_user, r, 'member')
     union all select 'owns ' || c.relname from pg_class c where c.relowner = (select oid from me)
       and c.relnamespace = current_schema()::regnamespace
     union all select 'may ' || p || ' ' || c.relname from pg_class c, unnest(array['insert', 'update', 'delete', 'truncate']) p
       where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and has_table_privilege(c.oid, p)
     union all select 'may read ' || c.relname from pg_class c where c.relnamespace = current_schema()::regnamespace
       and (c.relname in ('artifacts', '_prisma_migrations') or c.relname like '\\_%') and has_table_privilege(c.oid, 'select')
     limit 5`,
  );
  if (r.rows.length > 0) {
    throw new HwsweepError('SERVICE_UNAVAILABLE', `refusing to run queries as ${redactUrl(url)}: that login ${r.rows.map((x) => x.problem).join(', ')}`, {
      hint: 'HWSWEEP_READER_URL must name a read-only login (unset it to use the reader role hwsweep creates)',
    });
  }
}

interface PgError extends Error {
  code?: string;
  position?: string;
}

/** One clear line for a refused or failed query, with positions relative to the caller's text. */
function translate(err: unknown, sql: string, timeoutMs: number): Error {
  const e = err as PgError;
  if (e instanceof HwsweepError) return e;
  if (typeof e.code !== 'string' || e.code.length !== 5) return e; // not a server error: connection lost, bug
  const pos = e.position ? Number(e.position) - DECLARE.length : undefined;
  const at = pos !== undefined && pos >= 1 ? ` (at character ${pos})` : '';
  if (e.code === '42601' && /multiple commands/.test(e.message)) {
    return refuse('sql: one statement per call, and the text holds several (separated by `;`): run them one at a time');
  }
  if (e.code === '42601' && pos !== undefined && pos === firstTokenPosition(sql)) {
    const word = (sql.slice(pos - 1).match(/^[A-Za-z_]+/)?.[0] ?? sql.slice(pos - 1, pos + 9)).toUpperCase();
    return refuse(`sql: only a read-only query is allowed (SELECT, WITH … SELECT, VALUES or TABLE), not ${word}`);
  }
  if (e.code === '57014') return timeoutError(timeoutMs);
  if (e.code === '42501') return refuse(`sql: ${e.message} (the read-only role reads the result tables and views only)`);
  if (e.code === '25006') return refuse(`sql: ${e.message}: queries cannot change anything`);
  return refuse(`SQL error: ${e.message}${at}`);
}

function refuse(message: string): HwsweepError {
  return new HwsweepError('INVALID_ARGUMENT', message, { hint: HINT });
}

function timeoutError(timeoutMs: number): HwsweepError {
  return new HwsweepError('INVALID_ARGUMENT', `sql: the query used its whole time budget of ${timeoutMs} ms and was cancelled`, {
    hint: 'narrow it (where / limit), or allow more time with --timeout <ms>',
  });
}

function argError(param: string, value: unknown, allowed: string): HwsweepError {
  return new HwsweepError('INVALID_ARGUMENT', `read-only query: ${param} = ${String(value)} is not ${allowed}`, { context: { param, value: String(value), allowed } });
}

function unreachable(url: string, err: unknown): HwsweepError {
  const e = err as NodeJS.ErrnoException & { code?: string };
  const reason = e.code === '28P01' ? 'password authentication failed' : (e.code ?? e.message);
  return new HwsweepError('SERVICE_UNAVAILABLE', `cannot connect to PostgreSQL at ${redactUrl(url)}: ${reason}`, {
    cause: err,
    hint: 'is it running? `hwsweep up` starts the embedded one; otherwise check DATABASE_URL (and HWSWEEP_READER_URL)',
  });
}

/** 1-based position of the first token of `sql`, after whitespace and comments (`-- …`, nested `/* … *\/`). */
function firstTokenPosition(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      let depth = 0;
      while (i < sql.length) {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          i += 2;
          if (--depth === 0) break;
        } else i++;
      }
    } else return i + 1;
  }
}
