import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, listMigrations, migrate } from '../../src/store/migrate.js';
import { describeCatalog } from '../helpers/catalog.js';
import { testSettings } from '../helpers/services.js';

/**
 * Proves prisma/migrations and prisma/schema.prisma cannot drift: database A is built from schema.prisma alone
 * (Prisma's own `migrate diff --from-empty --to-schema-datamodel` SQL), database B by our migration applier, and
 * their catalogs (every table, column + type + nullability + default, constraint, unique, index, enum) must be equal.
 */
describe('migrations match schema.prisma', () => {
  const s = testSettings();
  const admin = s.databaseUrl.replace(/\/[^/]+$/, '/postgres');
  const urlA = s.databaseUrl.replace(/\/[^/]+$/, '/drift_from_schema');
  const urlB = s.databaseUrl.replace(/\/[^/]+$/, '/drift_from_migrations');

  async function recreate(name: string): Promise<void> {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
    await c.end();
  }

  beforeAll(async () => {
    await recreate('drift_from_schema');
    await recreate('drift_from_migrations');
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query('drop database if exists drift_from_schema with (force)');
    await c.query('drop database if exists drift_from_migrations with (force)');
    await c.end();
  });

  it('the migrated database has exactly the tables, columns, constraints, indexes and enums of schema.prisma', async () => {
    const sql = execFileSync(
      process.execPath,
      ['scripts/prisma6.mjs', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', '@schema', '--script'],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: urlA }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(sql).toContain('CREATE TABLE "trials"');
    const a = new pg.Client({ connectionString: urlA });
    await a.connect();
    await a.query(sql);
    await a.end();
    expect(await migrate(urlB)).toEqual(listMigrations().map((m) => m.name));

    const fromSchema = await describeCatalog(urlA);
    const fromMigrations = await describeCatalog(urlB);
    expect(fromSchema.tables).toEqual(
      expect.arrayContaining(['sweeps', 'trials', 'baselines', 'epoch_metrics', 'layer_results', 'simulations', 'artifacts']),
    );
    expect(fromMigrations).toEqual(fromSchema);
  });

  it('applying the migrations again changes nothing and a modified applied migration is refused', async () => {
    expect(await migrate(urlB)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'hwsweep-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const first = listMigrations(dir)[0]!.name;
    appendFileSync(join(dir, first, 'migration.sql'), '\n-- edited after it was applied\n');
    await expect(migrate(urlB, dir)).rejects.toThrow(`migration ${first} was modified after it was applied`);
    rmSync(dir, { recursive: true, force: true });
  });
});
