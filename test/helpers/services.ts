import { join, resolve } from 'node:path';
import { loadSettings, type Settings } from '../../src/services/index.js';

/** Integration tests run their own embedded services on their own ports and state dir, beside any `hwsweep up`. */
export const TEST_ENV = {
  HWSWEEP_STATE_DIR: resolve(process.env['HWSWEEP_TEST_STATE_DIR'] ?? join('.hwsweep', 'test')),
  HWSWEEP_PG_PORT: process.env['HWSWEEP_TEST_PG_PORT'] ?? '25439',
  HWSWEEP_TEMPORAL_PORT: process.env['HWSWEEP_TEST_TEMPORAL_PORT'] ?? '17239',
  HWSWEEP_TEMPORAL_UI_PORT: process.env['HWSWEEP_TEST_TEMPORAL_UI_PORT'] ?? '18239',
} as const;

export const TEST_DB = 'hwsweep_test';

export function applyTestEnv(): void {
  Object.assign(process.env, TEST_ENV);
}

/** Settings for the test services, with the test database instead of the default one. */
export function testSettings(): Settings {
  applyTestEnv();
  const s = loadSettings();
  return { ...s, databaseUrl: process.env['HWSWEEP_TEST_DATABASE_URL'] ?? s.databaseUrl.replace(/\/hwsweep$/, `/${TEST_DB}`) };
}
