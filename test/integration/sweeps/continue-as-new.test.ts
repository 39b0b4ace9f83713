import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepWorkflowId } from '../../../src/cli/context.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';

describe('large sweeps stay small in Temporal', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open(['orchestration']);
  });
  afterAll(async () => {
    await h.close();
  });

  it('continues as new every trialsPerRun starts and still runs every trial exactly once', async () => {
    const ratios = Array.from({ length: 23 }, (_, i) => Number(((i + 1) / 24).toFixed(4)));
    const spec = tinySpec({ name: 'can', maxParallel: 4, pruning: { methods: ['magnitude'], ratios } });
    const { sweepId } = await h.launch(spec, { dryRun: true, trialsPerRun: 5 });
    const res = await h.result(sweepId);
    expect(res).toMatchObject({ total: 23, completed: 23, failed: 0, cancelled: 0 });
    const trials = await h.db.trial.findMany({ where: { sweepId } });
    expect(trials).toHaveLength(23);
    expect(trials.every((t) => t.status === 'COMPLETED')).toBe(true);
    // 23 trials at 5 per run = 5 runs of the same workflow id, chained by continue-as-new.
    // (Visibility lags the workflow a little: poll until the last run shows as closed.)
    const runs = await h.until(async () => {
      const r: string[] = [];
      for await (const w of h.client.workflow.list({ query: `WorkflowId = '${sweepWorkflowId(sweepId)}'` })) r.push(w.status.name);
      return r.length === 5 && !r.includes('RUNNING') ? r : undefined;
    }, 30_000, 'five closed runs in visibility');
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW')).toHaveLength(4);
    expect(runs.filter((s) => s === 'COMPLETED')).toHaveLength(1);
  });
});
