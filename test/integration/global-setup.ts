import { rmSync } from 'node:fs';
import pg from 'pg';
import { servicesDown, servicesUp } from '../../src/services/index.js';
import { migrate } from '../../src/store/migrate.js';
import { TEST_DB, applyTestEnv, testSettings } from '../helpers/services.js';

/**
 * Starts the real embedded PostgreSQL and Temporal dev server once for the integration suite, recreates and
 * migrates a fresh test database, and stops both at the end so no process outlives the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  applyTestEnv();
  const s = testSettings();
  const t0 = Date.now();
  // Every run starts from empty Temporal history (the database is recreated below): no state leaks between runs.
  await servicesDown(s);
  rmSync(s.paths.temporalDb, { force: true });
  await servicesUp(s, (m) => console.log(`[global-setup] ${m}`));
  const admin = new pg.Client({ connectionString: s.databaseUrl.replace(new RegExp(`/${TEST_DB}$`), '/postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${TEST_DB} with (force)`);
  await admin.query(`create database ${TEST_DB}`);
  await admin.end();
  await migrate(s.databaseUrl);
  console.log(`[global-setup] services up and ${TEST_DB} migrated in ${Date.now() - t0} ms`);
  return async () => {
    if (process.env['HWSWEEP_TEST_KEEP_SERVICES'] !== '1') await servicesDown(s);
  };
}
