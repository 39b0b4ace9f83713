import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { testSettings } from '../helpers/services.js';

/**
 * Credentials never reach output: `status`, `up` (text and JSON) and error messages print DATABASE_URL with its
 * password masked, and an unreachable service is named by its address with a hint.
 */
const s = testSettings();
const SECRET = 'hunter2-s3cret';
const DEAD_DB = `postgresql://analyst:${SECRET}@127.0.0.1:1/hwsweep`;
const DEAD_TEMPORAL = '127.0.0.1:2';

function expectNoSecret(r: CliRun): void {
  expect(r.stdout).not.toContain(SECRET);
  expect(r.stderr).not.toContain(SECRET);
}

describe('credentials in output', () => {
  it('status (text and --json) masks the password and says how to reach what is down', async () => {
    const env = { DATABASE_URL: DEAD_DB, TEMPORAL_ADDRESS: DEAD_TEMPORAL };
    const [text, json] = await Promise.all([runCli(['status'], { env }), runCli(['status', '--json'], { env })]);
    for (const r of [text, json]) {
      expectNoSecret(r);
      expect(r.code).toBe(1);
    }
    expect(text.stdout).toContain(
      '✖ postgres  postgresql://analyst:***@127.0.0.1:1/hwsweep [external] not reachable: is that server up? check DATABASE_URL',
    );
    expect(text.stdout).toContain(
      `✖ temporal  ${DEAD_TEMPORAL} [external] not reachable: is that cluster up? check TEMPORAL_ADDRESS`,
    );
    const j = JSON.parse(json.stdout) as { services: { name: string; address: string; healthy: boolean }[] };
    expect(j.services).toEqual([
      { name: 'postgres', embedded: false, healthy: false, address: 'postgresql://analyst:***@127.0.0.1:1/hwsweep' },
      { name: 'temporal', embedded: false, healthy: false, address: DEAD_TEMPORAL },
    ]);
  });

  it('up, sql and status <id> against unreachable services: one masked line naming the address, a hint, exit 1', async () => {
    const env = { DATABASE_URL: DEAD_DB, TEMPORAL_ADDRESS: DEAD_TEMPORAL };
    const [up, sql, status] = await Promise.all([
      runCli(['up'], { env }),
      runCli(['sql', 'select 1'], { env }),
      runCli(['status', 'some-sweep'], { env: { DATABASE_URL: s.databaseUrl, TEMPORAL_ADDRESS: DEAD_TEMPORAL } }),
    ]);
    for (const r of [up, sql, status]) {
      expectNoSecret(r);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^✖ .*\n {2}hint: .+\n$/);
    }
    expect(up.stderr).toContain(
      '✖ cannot connect to PostgreSQL at DATABASE_URL=postgresql://analyst:***@127.0.0.1:1/hwsweep: ECONNREFUSED',
    );
    expect(sql.stderr).toContain(
      '✖ cannot connect to PostgreSQL at postgresql://analyst:***@127.0.0.1:1/hwsweep: ECONNREFUSED',
    );
    expect(status.stderr).toContain(`✖ cannot connect to Temporal at ${DEAD_TEMPORAL}: `);
  });

  it('worker with both services unreachable names each, masked, with their hints, and starts nothing', async () => {
    const worker = await runCli(['worker', '--queues', 'sim'], {
      env: { DATABASE_URL: DEAD_DB, TEMPORAL_ADDRESS: DEAD_TEMPORAL },
    });
    expectNoSecret(worker);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toBe(
      `✖ not reachable: postgres at postgresql://analyst:***@127.0.0.1:1/hwsweep, temporal at ${DEAD_TEMPORAL}\n` +
        '  hint: is that server up? check DATABASE_URL; is that cluster up? check TEMPORAL_ADDRESS (and TLS settings)\n',
    );
  });

  it('up with a reachable external database prints its URL masked, in text and JSON', async () => {
    // The test server trusts local connections, so the password is accepted whatever it is.
    const withPassword = s.databaseUrl.replace('postgresql://postgres@', `postgresql://postgres:${SECRET}@`);
    expect(withPassword).toContain(SECRET);
    const env = { DATABASE_URL: withPassword, TEMPORAL_ADDRESS: s.temporalAddress };
    const [text, json] = await Promise.all([runCli(['up'], { env }), runCli(['up', '--json'], { env })]);
    for (const r of [text, json]) {
      expectNoSecret(r);
      expect(r.code).toBe(0);
    }
    const masked = s.databaseUrl.replace('postgresql://postgres@', 'postgresql://postgres:***@');
    expect(text.stdout).toContain(`PostgreSQL      ${masked} [external]`);
    expect((JSON.parse(json.stdout) as { databaseUrl: string }).databaseUrl).toBe(masked);
  });
});
