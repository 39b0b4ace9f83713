import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepWorkflowId } from '../../src/cli/sweep-state.js';
import { sweepState } from '../../src/cli/sweeps.js';
import { temporalConnectionOptions } from '../../src/services/index.js';
import { TemporalRpc, temporalHealthCheck } from '../../src/services/temporal-rpc.js';
import { cancelSignal, pauseSignal, progressQuery } from '../../workflows/shared.js';
import { runCli } from '../helpers/cli.js';
import { SweepHarness, tinySpec } from '../helpers/sweep.js';

/**
 * `hwsweep status` reads Temporal through its own light gRPC client (src/services/temporal-rpc.ts) to start fast:
 * here it answers, against the real dev server, exactly what @temporalio/client answers, and `status --json`
 * shows a paused and a finished sweep as the client path reads them. Dry runs: orchestration only, seconds.
 */
describe('hwsweep status through the light Temporal client', () => {
  const h = new SweepHarness();
  let rpc: TemporalRpc;
  const paused = `status-paused-${Date.now()}`;
  const done = `status-done-${Date.now()}`;
  const spec = tinySpec({ name: 'status', pruning: { methods: ['magnitude'], ratios: [0.25, 0.5] } });

  beforeAll(async () => {
    await h.open([]); // no worker yet: the pause signal is in before the workflow takes its first step
    await h.launch(spec, { id: paused, dryRun: true });
    await h.client.workflow.getHandle(sweepWorkflowId(paused)).signal(pauseSignal);
    await h.startWorkers(['orchestration']);
    await h.launch(spec, { id: done, dryRun: true });
    await h.result(done);
    await h.until(async () => (await h.db.sweep.count({ where: { id: paused } })) > 0, 60_000, 'the paused sweep row');
    rpc = await TemporalRpc.open(temporalConnectionOptions(h.settings), 5000);
  });
  afterAll(async () => {
    rpc?.close();
    const handle = h.client.workflow.getHandle(sweepWorkflowId(paused));
    await handle.signal(cancelSignal).catch(() => undefined);
    await handle.result().catch(() => undefined);
    await h.close();
  });

  it('health, workflow status (running, completed, unknown) and the progress query agree with @temporalio/client', async () => {
    const ns = h.settings.temporalNamespace;
    expect(await rpc.serving(3000)).toBe(true);
    expect(await temporalHealthCheck(temporalConnectionOptions(h.settings), 3000)).toBe(true);
    expect(await temporalHealthCheck({ address: '127.0.0.1:1' }, 1000)).toBe(false);
    for (const id of [paused, done]) {
      const handle = h.client.workflow.getHandle(sweepWorkflowId(id));
      expect(await rpc.workflowStatus(ns, sweepWorkflowId(id), 5000), id).toBe((await handle.describe()).status.name);
    }
    expect(await rpc.workflowStatus(ns, sweepWorkflowId(paused), 5000)).toBe('RUNNING');
    expect(await rpc.workflowStatus(ns, sweepWorkflowId(done), 5000)).toBe('COMPLETED');
    const unknown = sweepWorkflowId(`no-such-sweep-${Date.now()}`);
    expect(await rpc.workflowStatus(ns, unknown, 5000)).toBeUndefined();
    await expect(h.client.workflow.getHandle(unknown).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const live = await h.client.workflow.getHandle(sweepWorkflowId(paused)).query(progressQuery);
    expect(live).toMatchObject({ paused: true, total: 2 });
    expect(await rpc.query(ns, sweepWorkflowId(paused), progressQuery.name, 5000)).toEqual(live);
  });

  it('status --json lists the paused sweep as PAUSED and the finished one as COMPLETED, as the client path reads them', async () => {
    const r = await runCli(['status', '--json'], { env: { DATABASE_URL: h.settings.databaseUrl } });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      sweeps: { id: string; status: string; trials: number; completed: number; created: string }[];
    };
    const row = (id: string) => out.sweeps.find((s) => s.id === id);
    expect(row(paused)).toMatchObject({ status: 'PAUSED', trials: 2, completed: 0 });
    expect(row(done)).toMatchObject({ status: 'COMPLETED', trials: 2, completed: 2, failed: 0, cancelled: 0, pruned: 0 });
    for (const s of out.sweeps) {
      const dbRow = await h.db.sweep.findUniqueOrThrow({ where: { id: s.id } });
      expect(s.status, s.id).toBe((await sweepState(h.ctx, s.id, dbRow.status)).status);
      expect(s.created, s.id).toBe(dbRow.createdAt.toISOString());
    }
    const text = await runCli(['status'], { env: { DATABASE_URL: h.settings.databaseUrl } });
    expect(text.stdout).toMatch(new RegExp(`^${paused} +PAUSED +2 +0 +0 +0 `, 'm'));
  });
});
