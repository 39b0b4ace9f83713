import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { HwsweepError } from '../../src/errors.js';
import { ensureTemporalCli, loadSettings, servicesDown, servicesStatus, servicesUp, temporalConnectionOptions } from '../../src/services/index.js';
import { checkExternalPostgres, postgresReady } from '../../src/services/postgres.js';
import { createDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { TaskQueues, connectWorker, createWorker } from '../../src/worker.js';
import { smokeWorkflow } from '../../workflows/smoke.js';

const run = promisify(execFile);

/**
 * A private installation (own state dir and ports) so that up/down does not disturb the suite's services.
 * Temporal also binds its HTTP API (port + 10) and metrics (port + 20): keep bases >= 50 apart.
 */
function privateEnv(stateDir: string, base: number): NodeJS.ProcessEnv {
  return {
    HWSWEEP_STATE_DIR: stateDir,
    HWSWEEP_PG_PORT: String(base),
    HWSWEEP_TEMPORAL_PORT: String(base + 1),
    HWSWEEP_TEMPORAL_UI_PORT: String(base + 2),
  };
}

function withEnv<T>(env: NodeJS.ProcessEnv, f: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return f();
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('hwsweep services lifecycle', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'hwsweep-lifecycle-'));
  const env = privateEnv(stateDir, 26_401);
  const settings = withEnv(env, () => loadSettings());
  afterAll(async () => {
    await servicesDown(settings);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('up, status, down, up again keeps database rows and Temporal workflow history', async () => {
    await servicesUp(settings);
    expect((await servicesStatus(settings)).map((h) => h.healthy)).toEqual([true, true]);
    await migrate(settings.databaseUrl);
    const db = createDb(settings.databaseUrl);
    const wconn = await connectWorker(settings);
    const worker = await createWorker({ connection: wconn, namespace: 'default', queue: 'orchestration', deps: { db } });
    const conn = await Connection.connect(temporalConnectionOptions(settings));
    const client = new Client({ connection: conn });
    await worker.runUntil(
      client.workflow.execute(smokeWorkflow, { taskQueue: TaskQueues.orchestration, workflowId: 'persist-me', args: [{ id: 'persist-me', message: 'kept' }] }),
    );
    await wconn.close();
    await conn.close();
    await db.$disconnect();

    await servicesDown(settings);
    expect((await servicesStatus(settings)).map((h) => h.healthy)).toEqual([false, false]);

    await servicesUp(settings);
    const db2 = createDb(settings.databaseUrl);
    expect((await db2.artifact.findUniqueOrThrow({ where: { id: 'persist-me' } })).sha256).toMatch(/^[0-9a-f]{64}$/);
    await db2.$disconnect();
    const conn2 = await Connection.connect(temporalConnectionOptions(settings));
    const handle = new Client({ connection: conn2 }).workflow.getHandle('persist-me');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const history = await handle.fetchHistory();
    expect(history.events?.length).toBeGreaterThan(5);
    await conn2.close();
  });

  it('hwsweep status exits 0 when healthy and 1 with a one-line cause when DATABASE_URL refuses connections', async () => {
    const ok = await run(process.execPath, ['bin/hwsweep.js', 'status', '--json'], { env: { ...process.env, ...env } }).catch(
      (e: { stderr: string }) => {
        throw new Error(`hwsweep status failed: ${e.stderr}`);
      },
    );
    const status = JSON.parse(ok.stdout) as { services: { name: string; healthy: boolean }[]; sweeps: unknown[] };
    expect(status.services.map((x) => [x.name, x.healthy])).toEqual([
      ['postgres', true],
      ['temporal', true],
    ]);
    const bad = await run(process.execPath, ['bin/hwsweep.js', 'up'], {
      env: { ...process.env, ...env, DATABASE_URL: 'postgresql://u:secret@127.0.0.1:9/nope' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in bad && bad.code).toBe(1);
    const lines = (bad as { stderr: string }).stderr.trim().split('\n');
    expect(lines[0]).toBe('✖ cannot connect to PostgreSQL at DATABASE_URL=postgresql://u:***@127.0.0.1:9/nope: ECONNREFUSED');
    expect(lines.some((l) => l.startsWith('  hint: '))).toBe(true);
    expect(bad).not.toHaveProperty('stderr', expect.stringContaining('secret'));
  });

  it('a port already in use gives PORT_IN_USE with the port and a hint, and leaves no stray PostgreSQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwsweep-port-'));
    const s = withEnv(privateEnv(dir, 26_501), () => loadSettings());
    const blocker: Server = createServer();
    await new Promise<void>((r, reject) => blocker.once('error', reject).listen(s.ports.temporal, '127.0.0.1', r));
    try {
      const err = await servicesUp(s).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HwsweepError);
      expect((err as HwsweepError).code).toBe('PORT_IN_USE');
      expect((err as HwsweepError).message).toBe(`Temporal cannot start: port ${s.ports.temporal} on 127.0.0.1 is already in use`);
      expect((err as HwsweepError).hint).toContain('HWSWEEP_TEMPORAL_PORT');
      expect(await postgresReady(s.databaseUrl)).toBe(false);
    } finally {
      blocker.close();
      await servicesDown(s);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing Temporal CLI and no Go toolchain gives TOOL_MISSING with install instructions', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hwsweep-nogo-'));
    const err = await withEnv({ PATH: empty, HWSWEEP_CACHE_DIR: empty, TEMPORAL_CLI: '', GO: '' }, async () => {
      delete process.env['TEMPORAL_CLI'];
      delete process.env['GO'];
      return await ensureTemporalCli().catch((e: unknown) => e);
    });
    rmSync(empty, { recursive: true, force: true });
    expect((err as HwsweepError).code).toBe('TOOL_MISSING');
    expect((err as HwsweepError).message).toBe('the Temporal CLI was not found and no Go toolchain is available to build it');
    expect((err as HwsweepError).hint).toContain('go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
  });

  it('checkExternalPostgres turns a refused connection into SERVICE_UNAVAILABLE naming the redacted URL', async () => {
    await expect(checkExternalPostgres('postgresql://a:pw@127.0.0.1:9/x')).rejects.toThrow(
      'cannot connect to PostgreSQL at DATABASE_URL=postgresql://a:***@127.0.0.1:9/x: ECONNREFUSED',
    );
  });
});
