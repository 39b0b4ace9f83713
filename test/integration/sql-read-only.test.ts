import { existsSync, rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { closeReadOnly, readOnlyQuery, readerUrl, streamReadOnlyQuery, type RawRow } from '../../src/store/read-only.js';
import { describeCatalog } from '../helpers/catalog.js';
import { testSettings } from '../helpers/services.js';

/**
 * The escape corpus of issue 10: each text is sent through the same path as `hwsweep sql` (reader role, cursor,
 * read-only transaction, time budget) and must be refused with a clear one-line message, leaving the database
 * exactly as it was (catalog, row counts, roles, large objects, files, locks).
 */
const s = testSettings();
const PROBE_FILE = '/tmp/hwsweep-sql-probe';
let admin: pg.Client;

async function snapshot(): Promise<unknown> {
  const q = async (sql: string): Promise<unknown[]> => (await admin.query(sql)).rows;
  const tables = (await admin.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public' order by 1`)).rows;
  const counts: Record<string, number> = {};
  for (const { t } of tables) counts[t] = Number((await admin.query<{ n: string }>(`select count(*) as n from ${admin.escapeIdentifier(t)}`)).rows[0]!.n);
  return {
    catalog: await describeCatalog(s.databaseUrl),
    counts,
    relations: await q(`select n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') order by 1, 2`),
    views: await q(`select viewname, definition from pg_views where schemaname = 'public' order by 1`),
    roles: await q(`select rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit,
      (select array_agg(b.rolname order by b.rolname) from pg_auth_members m join pg_roles b on b.oid = m.roleid where m.member = r.oid) as member_of
      from pg_roles r order by 1`),
    grants: await q(`select grantee, table_name, privilege_type from information_schema.role_table_grants
      where table_schema = 'public' order by 1, 2, 3`),
    settings: await q(`select setrole::regrole::text, setconfig from pg_db_role_setting order by 1`),
    largeObjects: await q('select count(*)::int as n from pg_largeobject_metadata'),
    advisoryLocks: await q(`select count(*)::int as n from pg_locks where locktype = 'advisory'`),
    probeFile: existsSync(PROBE_FILE),
  };
}

beforeAll(async () => {
  rmSync(PROBE_FILE, { force: true });
  admin = new pg.Client({ connectionString: s.databaseUrl });
  await admin.connect();
  // A few result rows so that counts could change and reads return something.
  await admin.query(`insert into sweeps (id, name, spec, spec_hash, workflow_id, updated_at)
    values ('sql-probe', 'probe', '{}', 'h', 'sweep/sql-probe', now()) on conflict do nothing`);
  await admin.query(`insert into artifacts (id, kind, owner_id, sha256, size_bytes) values ('sql-probe', 'probe', 'x', 'h', 1) on conflict do nothing`);
});

afterAll(async () => {
  await closeReadOnly();
  await admin.query(`delete from sweeps where id = 'sql-probe'`);
  await admin.query(`delete from artifacts where id = 'sql-probe'`);
  await admin.end();
});

const ask = (sql: string, timeoutMs = 10_000) => readOnlyQuery(sql, timeoutMs, [], { databaseUrl: s.databaseUrl });

const NOT_A_QUERY = /^sql: only a read-only query is allowed \(SELECT, WITH … SELECT, VALUES or TABLE\), not /;
const SEVERAL = /^sql: one statement per call/;

// [text, expected refusal]
const CORPUS: [string, RegExp][] = [
  ['commit; create table probe_x(x int)', NOT_A_QUERY],
  ['commit; drop table trials', NOT_A_QUERY],
  ['select 1; create table probe_x(x int)', SEVERAL],
  ["select 'a;b'; drop table trials", SEVERAL],
  ['select $$;$$ /* ; */; delete from sweeps -- ;', SEVERAL],
  ['rollback; begin read write; delete from sweeps', NOT_A_QUERY],
  ['set transaction read write', NOT_A_QUERY],
  ['set role postgres', NOT_A_QUERY],
  ['reset role', NOT_A_QUERY],
  ['set session authorization postgres', NOT_A_QUERY],
  ["select set_config('role', 'postgres', false)", /permission denied to set role "postgres"/],
  ["select set_config('session_authorization', 'postgres', false)", /permission denied to set session authorization/],
  ["select set_config('transaction_read_only', 'off', true)", /read-write mode must be set before any query/],
  ['do $$ begin create table probe_do(x int); end $$', NOT_A_QUERY],
  [`copy (select 1) to program 'touch ${PROBE_FILE}'`, NOT_A_QUERY],
  [`copy sweeps to '${PROBE_FILE}'`, NOT_A_QUERY],
  [`  -- a comment first\n /* and /* a nested */ one */ copy sweeps to '${PROBE_FILE}'`, NOT_A_QUERY],
  ["select pg_read_file('/etc/passwd')", /permission denied for function pg_read_file/],
  ["select pg_ls_dir('.')", /permission denied for function pg_ls_dir/],
  ["select lo_import('/etc/passwd')", /permission denied for function lo_import/],
  ['select lo_create(0)', /cannot execute lo_create\(\) in a read-only transaction/],
  ['create temp table probe_t(x int)', NOT_A_QUERY],
  ['select * into temp probe_t2 from sweeps', /SELECT \.\.\. INTO is not allowed here/],
  ['set local statement_timeout = 0; select pg_sleep(45)', NOT_A_QUERY],
  ['select * from artifacts', /permission denied for table artifacts/],
  ['select * from _prisma_migrations', /permission denied for table _prisma_migrations/],
  ['select * from _hwsweep_reader', /permission denied for table _hwsweep_reader/],
  ['call probe()', NOT_A_QUERY],
  ["select nextval('epoch_metrics_id_seq')", /permission denied for sequence epoch_metrics_id_seq/],
  ["select setval('epoch_metrics_id_seq', 1000)", /permission denied for sequence epoch_metrics_id_seq/],
  ['lock table trials', NOT_A_QUERY],
  ['listen probe', NOT_A_QUERY],
  ["notify probe, 'x'", NOT_A_QUERY],
  ['prepare p as select 1', NOT_A_QUERY],
  ['explain analyze delete from sweeps', NOT_A_QUERY],
  ['vacuum full trials', NOT_A_QUERY],
  ['truncate sweeps cascade', NOT_A_QUERY],
  ['grant select on artifacts to public', NOT_A_QUERY],
  ['alter role postgres password null', NOT_A_QUERY],
  ['with d as (delete from sweeps returning *) select * from d', /must not contain data-modifying statements in WITH/],
  ['select * from sweeps for update', /permission denied for table sweeps|read-only transaction/],
  ["select pg_terminate_backend(pid) from pg_stat_activity where usename = 'postgres'", /permission denied to terminate process/],
  ["select * from pg_stat_file('postgresql.conf')", /permission denied for function pg_stat_file/],
  ['selec * from trials', NOT_A_QUERY],
  ['', /^sql: the query is empty$/],
];

describe('hwsweep sql runs as a reader that cannot write, escape or outlive its budget', () => {
  it.each(CORPUS)('refuses %j and leaves the database unchanged', async (sql, expected) => {
    const before = await snapshot();
    await expect(ask(sql)).rejects.toThrow(expected);
    expect(await snapshot()).toEqual(before);
  });

  it('a query past its time budget is cancelled, also when it sets its own statement_timeout to 0 between fetches', async () => {
    const before = await snapshot();
    let t0 = Date.now();
    await expect(ask('select pg_sleep(45)', 1500)).rejects.toThrow(/^sql: the query used its whole time budget of 1500 ms and was cancelled$/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The first fetch (1000 rows) switches the timeout off for the rest of the transaction; the budget re-armed
    // before the second fetch still stops the sleep.
    t0 = Date.now();
    await expect(
      ask(`select set_config('statement_timeout', '0', true) as s, g from generate_series(1, 3000) g union all select pg_sleep(45)::text, 0`, 1500),
    ).rejects.toThrow(/time budget of 1500 ms/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await snapshot()).toEqual(before);
  });

  it('pg_notify and advisory locks succeed inside the query but nothing is delivered or kept', async () => {
    const heard: string[] = [];
    admin.on('notification', (n) => heard.push(n.channel));
    await admin.query('listen probe');
    const before = await snapshot();
    expect((await ask("select pg_notify('probe', 'x') as n")).rows).toEqual([{ n: '' }]);
    expect((await ask('select pg_advisory_lock(72707101) as l')).rows).toEqual([{ l: '' }]);
    await admin.query('select 1'); // any pending notification is delivered with the next message
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual([]);
    expect(await snapshot()).toEqual(before); // includes: no advisory lock left in pg_locks (the session was reset)
    await admin.query('unlisten probe');
  });

  it('reads every result table and view, and nothing else of the schema', async () => {
    const r = await ask(`select table_name as name from information_schema.tables where table_schema = current_schema() order by 1`);
    const visible = r.rows.map((x) => x['name']);
    const all = (await admin.query<{ n: string }>(`select relname as n from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'v', 'm') order by 1`)).rows.map((x) => x.n);
    expect(visible).toEqual(all.filter((n) => n !== 'artifacts' && !n.startsWith('_')));
    expect(visible).toEqual(expect.arrayContaining(['sweeps', 'trials', 'simulations', 'trial_results', 'pareto_accuracy_speedup']));
    expect((await ask(`select name from sweeps where id = 'sql-probe'`)).rows).toEqual([{ name: 'probe' }]);
    const me = await ask(`select current_user as u, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication,
      current_setting('default_transaction_read_only') as ro, current_setting('transaction_read_only') as tro
      from pg_roles where rolname = current_user`);
    expect(me.rows).toEqual([{ u: 'hwsweep_test_reader', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolreplication: false, ro: 'on', tro: 'on' }]);
  });

  it('the grant step after each migration run covers tables added later, but not views over denied tables', async () => {
    await admin.query('create table probe_later (x int); insert into probe_later values (7)');
    await admin.query('create view probe_blobs as select a.id, a.size_bytes from (select * from artifacts) a');
    await admin.query('create view probe_blobs_2 as select * from probe_blobs');
    try {
      await migrate(s.databaseUrl);
      expect((await ask('select x from probe_later')).rows).toEqual([{ x: 7 }]);
      await expect(ask('select * from probe_blobs')).rejects.toThrow(/permission denied for view probe_blobs/);
      await expect(ask('select * from probe_blobs_2')).rejects.toThrow(/permission denied for view probe_blobs_2/);
    } finally {
      await admin.query('drop view probe_blobs_2; drop view probe_blobs; drop table probe_later');
    }
  });

  it('a huge result streams in batches up to the row limit, and says when the limit cut it', async () => {
    const huge = `select g, repeat('x', 100) as pad from generate_series(1, 200000) g`;
    let rows = 0;
    let largestBatch = 0;
    let last: RawRow | undefined;
    const all = await streamReadOnlyQuery(
      huge,
      {
        fields: () => undefined,
        rows: (b) => {
          rows += b.length;
          largestBatch = Math.max(largestBatch, b.length);
          last = b.at(-1);
        },
      },
      { databaseUrl: s.databaseUrl, batchRows: 5000 },
    );
    expect(all).toMatchObject({ rowCount: 200_000, truncated: false });
    expect(rows).toBe(200_000);
    expect(largestBatch).toBe(5000);
    expect(last).toEqual(['200000', 'x'.repeat(100)]);
    const cut = await readOnlyQuery(huge, 10_000, [], { databaseUrl: s.databaseUrl, maxRows: 1234 });
    expect(cut.rows).toHaveLength(1234);
    expect(cut.truncated).toBe(true);
    const exact = await readOnlyQuery('select g from generate_series(1, 1234) g', 10_000, [], { databaseUrl: s.databaseUrl, maxRows: 1234 });
    expect(exact.truncated).toBe(false);
  });

  it('error positions point into the caller text, and bind parameters work', async () => {
    await expect(ask('select nosuchcolumn from sweeps')).rejects.toThrow('SQL error: column "nosuchcolumn" does not exist (at character 8)');
    const r = await readOnlyQuery('select $1::int + 1 as n', 10_000, [41], { databaseUrl: s.databaseUrl });
    expect(r.rows).toEqual([{ n: 42 }]);
  });

  it('refuses a HWSWEEP_READER_URL that logs in as a superuser, naming it with the password masked', async () => {
    const superUrl = s.databaseUrl.replace('postgresql://postgres@', 'postgresql://postgres:hunter2@');
    process.env['HWSWEEP_READER_URL'] = superUrl;
    try {
      const err = await ask('select 1').catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/^refusing to run queries as postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/hwsweep_test: that login is a superuser/);
      expect((err as Error).message).not.toContain('hunter2');
    } finally {
      delete process.env['HWSWEEP_READER_URL'];
    }
  });

  it('the reader login comes from the database with the admin URL host, port and database', async () => {
    const url = new URL(await readerUrl(s.databaseUrl, {}));
    const stored = (await admin.query<{ role: string; password: string }>('select role, password from "_hwsweep_reader"')).rows[0]!;
    const adminUrl = new URL(s.databaseUrl);
    expect([url.username, url.password, url.host, url.pathname]).toEqual([stored.role, stored.password, adminUrl.host, adminUrl.pathname]);
    expect(stored.password).toMatch(/^[0-9a-f]{64}$/);
  });
});
