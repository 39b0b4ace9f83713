import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PACKAGE_ROOT } from '../shared/package-root.js';

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, offline, recording each in Prisma's own
 * `_prisma_migrations` table (same columns and sha256 checksum), so `prisma migrate status|deploy` agree with us.
 * Prisma 7's migrate needs a schema-engine binary that cannot be downloaded here; this needs nothing.
 * Concurrent callers serialise on an advisory lock; each migration runs in its own transaction.
 */

export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'prisma', 'migrations');

const LOCK_KEY = 72_707_101; // arbitrary constant: "hwsweep migrations"

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies pending migrations; returns the names applied now. Throws if an applied one was edited afterwards. */
export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      'select migration_name, checksum from "_prisma_migrations" where finished_at is not null and rolled_back_at is null',
    );
    const byName = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const m of listMigrations(dir)) {
      const prior = byName.get(m.name);
      if (prior !== undefined) {
        if (prior !== m.checksum) {
          throw new Error(`migration ${m.name} was modified after it was applied (checksum differs); add a new migration instead`);
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query(
          'insert into "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) values ($1, $2, now(), $3, 1)',
          [randomUUID(), m.checksum, m.name],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.name);
    }
    await grantReader(client);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

/**
 * Relations the read-only role never reads, whatever later migrations add: artefact blobs (checkpoints, models),
 * Prisma's bookkeeping, every `_`-prefixed table (the reader's own login among them) and views built on any of these.
 */
export const READER_DENIED_RELATIONS: readonly string[] = ['artifacts', '_prisma_migrations'];

/**
 * Grants the read-only role (migration 20261202120000_reader_role) SELECT on every table, view and materialized view
 * of the current schema except the denied ones, and revokes everything on those. Idempotent; run after every
 * migration run so relations added later are covered. Skipped when the role was not created (no CREATEROLE).
 */
async function grantReader(client: pg.Client): Promise<void> {
  const exists = await client.query<{ ok: boolean }>(`select to_regclass('"_hwsweep_reader"') is not null as ok`);
  if (!exists.rows[0]?.ok) return; // a migrations dir without the reader migration (tests of the applier)
  const login = await client.query<{ role: string }>(
    `select r.role from "_hwsweep_reader" r join pg_roles p on p.rolname = r.role where r.id = 1`,
  );
  const role = login.rows[0]?.role;
  if (!role) return;
  // A view reads with its owner's rights: one built on a denied table (even through other views) is denied too.
  const rels = await client.query<{ name: string; denied: boolean }>(
    `with recursive denied(oid) as (
       select c.oid from pg_class c
       where c.relnamespace = current_schema()::regnamespace and (c.relname = any($1) or c.relname like '\\_%')
       union
       select w.ev_class from pg_rewrite w join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = w.oid
       join denied on d.refobjid = denied.oid where w.ev_class <> d.refobjid)
     select c.relname as name, c.oid in (select oid from denied) as denied from pg_class c
     where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')
     order by c.relname`,
    [READER_DENIED_RELATIONS],
  );
  const who = client.escapeIdentifier(role);
  await client.query('begin');
  try {
    await client.query(`grant usage on schema ${client.escapeIdentifier(await currentSchema(client))} to ${who}`);
    for (const r of rels.rows) {
      const rel = client.escapeIdentifier(r.name);
      await client.query(r.denied ? `revoke all on ${rel} from ${who}` : `grant select on ${rel} to ${who}`);
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw new Error(`granting the read-only role ${role} failed: ${(err as Error).message}`, { cause: err });
  }
}

async function currentSchema(client: pg.Client): Promise<string> {
  return (await client.query<{ s: string }>('select current_schema() as s')).rows[0]!.s;
}
