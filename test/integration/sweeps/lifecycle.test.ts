import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepWorkflowId } from '../../../src/cli/context.js';
import { describePlan, launchSweep, planLaunch, resumeSweep, retrySweep, sweepProgress } from '../../../src/cli/sweeps.js';
import { artifactIds } from '../../../src/store/trial-store.js';
import { cancelSignal, pauseSignal } from '../../../workflows/shared.js';
import type { SweepResult } from '../../../workflows/sweep.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';

/**
 * Sweeps you can change safely, against the real services: extend by relaunching the same id, retry failed trials
 * in place, reuse completed configurations, relaunch a cancelled sweep, and a status that agrees with Temporal.
 */
describe('sweep lifecycle: extend, retry, reuse, relaunch', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.close();
  });
  const dryRatios = (ratios: number[], name: string) => tinySpec({ name, pruning: { methods: ['magnitude'], ratios } });
  const trialsOf = (sweepId: string) => h.db.trial.findMany({ where: { sweepId }, orderBy: { number: 'asc' } });
  const result = (sweepId: string) => h.client.workflow.getHandle(sweepWorkflowId(sweepId)).result() as Promise<SweepResult>;

  it('relaunching the same id with a larger spec adds every new configuration after the known ones and re-runs none', async () => {
    const id = `extend-${Date.now()}`;
    await launchSweep(h.ctx, dryRatios([0.25, 0.75], 'extend'), { id, dryRun: true });
    expect(await result(id)).toMatchObject({ total: 2, completed: 2, failed: 0 });
    const before = await trialsOf(id);
    // Two new ratios, one before and one between the old ones (the collision case).
    const bigger = dryRatios([0.1, 0.25, 0.5, 0.75], 'extend');
    const plan = await planLaunch(h.ctx, bigger, id);
    expect(plan).toMatchObject({ trials: 4, added: 2, known: { COMPLETED: 2 } });
    await launchSweep(h.ctx, bigger, { id, dryRun: true });
    // At once, before any activity ran: Temporal says running, so status says running (the row still says COMPLETED).
    expect((await sweepProgress(h.ctx, id)).status).toMatch(/^(RUNNING|COMPLETED)$/);
    expect(await result(id)).toMatchObject({ total: 4, completed: 4, failed: 0, cancelled: 0 });
    const after = await trialsOf(id);
    expect(after.map((t) => [t.number, t.pruneRatio, t.status])).toEqual([
      [0, 0.25, 'COMPLETED'],
      [1, 0.75, 'COMPLETED'],
      [2, 0.1, 'COMPLETED'],
      [3, 0.5, 'COMPLETED'],
    ]);
    // The known trials were not run again: same attempt, same finish time.
    for (const t of before) {
      const now = after.find((x) => x.id === t.id)!;
      expect([now.attempt, now.finishedAt?.getTime()]).toEqual([t.attempt, t.finishedAt?.getTime()]);
    }
    const p = await sweepProgress(h.ctx, id);
    expect(p).toMatchObject({ status: 'COMPLETED', statusSource: 'temporal', total: 4, completed: 4 });
    // Combinations the expansion rejects are part of what launch prints, each with its reason.
    const withRejects = tinySpec({ name: 'extend', pruning: { methods: ['group-balanced'], ratios: [0.5, 0.52], groupSizes: [4], narrowConvs: 'flat' } });
    const rejected = await planLaunch(h.ctx, withRejects, id);
    expect(rejected.rejected).toEqual([{ label: expect.stringContaining('gbp r=0.52'), reason: expect.stringContaining('rounds to p/g = 2/4 like ratio 0.5') }]);
    expect(describePlan(rejected, true)).toContain('1 combination rejected (not run):');
    expect((await h.db.sweep.findUniqueOrThrow({ where: { id } })).trialCount).toBe(4);
  });

  it('a dry run ends each trial in its batch start (no trial workflow); with dryRunWorkflows each runs as a trial workflow', async () => {
    const hasWorkflow = (sweepId: string, n: number): Promise<boolean> =>
      h.client.workflow
        .getHandle(`${sweepId}/trial-${n}`)
        .describe()
        .then(
          () => true,
          () => false,
        );
    for (const workflows of [false, true]) {
      const id = `dry-${workflows ? 'wf' : 'batch'}-${Date.now()}`;
      await launchSweep(h.ctx, dryRatios([0.25, 0.5, 0.75], id), { id, dryRun: true, maxParallel: 2, ...(workflows ? { dryRunWorkflows: true } : {}) });
      expect(await result(id)).toMatchObject({ total: 3, completed: 3, failed: 0 });
      const trials = await trialsOf(id);
      expect(trials.map((t) => [t.status, t.phase, t.attempt, t.startedAt !== null && t.finishedAt !== null])).toEqual(
        Array.from({ length: 3 }, () => ['COMPLETED', 'dry-run', 1, true]),
      );
      for (const t of trials) expect(await hasWorkflow(id, t.number)).toBe(workflows);
    }
  });

  it('a failed trial is re-run in place by retry once its cause is fixed, keeping the old error in its attempt history; later sweeps reuse it', async () => {
    const spec = tinySpec({ name: 'retry', seeds: [11], pruning: { methods: ['magnitude'], ratios: [0.5] }, accelerators: ['kang-cx'] }); // its own baseline
    // Sweep A trains the shared baseline and runs one real trial.
    const a = await launchSweep(h.ctx, spec, { reuse: false });
    expect(await result(a.sweepId)).toMatchObject({ completed: 1 });
    const [ta] = await trialsOf(a.sweepId);
    // The fault: the baseline's weights go missing. Sweep B's trial (another ratio) then fails for real.
    const weightsId = artifactIds.weights(ta!.baselineKey, 'baseline');
    const weights = await h.db.artifact.findUniqueOrThrow({ where: { id: weightsId } });
    await h.db.artifact.delete({ where: { id: weightsId } });
    const specB = tinySpec({ name: 'retry', seeds: [11], pruning: { methods: ['magnitude'], ratios: [0.75] }, accelerators: ['kang-cx'] });
    const b = await launchSweep(h.ctx, specB, { reuse: false });
    expect(await result(b.sweepId)).toMatchObject({ total: 1, completed: 0, failed: 1 });
    const failed = (await trialsOf(b.sweepId))[0]!;
    expect(failed).toMatchObject({ status: 'FAILED', errorType: 'MODEL_NOT_FOUND', attempt: 1, phase: 'prune' });
    // MODEL_NOT_FOUND is not retryable: the step ran once, not maxAttempts times.
    expect(failed.activityAttempt).toBe(1);
    // Relaunching the same spec keeps the failed trial as it is (it is finished) and says how to re-run it.
    const plan = await planLaunch(h.ctx, specB, b.sweepId);
    expect(plan.known).toEqual({ FAILED: 1 });
    expect(describePlan(plan, true).join('\n')).toContain(`hwsweep retry ${b.sweepId} --failed`);

    // Fix the cause, then retry the failed trial in place.
    await h.db.artifact.create({ data: weights });
    expect((await retrySweep(h.ctx, b.sweepId, ['FAILED'])).trials).toBe(1);
    expect(await result(b.sweepId)).toMatchObject({ total: 1, completed: 1, failed: 0 });
    const retried = (await trialsOf(b.sweepId))[0]!;
    expect(retried).toMatchObject({ id: failed.id, number: 0, status: 'COMPLETED', attempt: 2, error: null });
    expect(retried.accuracy).toBeGreaterThan(0);
    const history = await h.db.trialAttempt.findMany({ where: { trialId: failed.id }, orderBy: { attempt: 'asc' } });
    expect(history.map((x) => [x.attempt, x.status, x.errorType])).toEqual([
      [1, 'FAILED', 'MODEL_NOT_FOUND'],
      [2, 'COMPLETED', null],
    ]);
    expect(history[0]!.error).toBe(failed.error);
    expect((await retrySweep(h.ctx, b.sweepId, ['FAILED'])).trials).toBe(0); // nothing left to retry

    // Sweep C asks for sweep A's configuration again: it is copied, not recomputed.
    const retrainedOfA = await h.stageKey(ta!.id, 'retrained');
    const epochsOfA = await h.db.epochMetric.count({ where: { ownerId: retrainedOfA } });
    expect(epochsOfA).toBeGreaterThan(0);
    const c = await launchSweep(h.ctx, spec);
    expect(await result(c.sweepId)).toMatchObject({ total: 1, completed: 1, reused: 1 });
    const tc = (await trialsOf(c.sweepId))[0]!;
    expect(tc).toMatchObject({ status: 'COMPLETED', phase: 'reused', reusedFrom: ta!.id, accuracy: ta!.accuracy, configHash: ta!.configHash });
    const count = async (trialId: string) => ({
      layers: await h.db.layerResult.count({ where: { trialId } }),
      sims: await h.db.simulation.count({ where: { trialId } }),
      simLayers: await h.db.layerSimulation.count({ where: { simulation: { trialId } } }),
    });
    expect(await count(tc.id)).toEqual(await count(ta!.id));
    expect(await h.db.epochMetric.count({ where: { ownerId: tc.id } })).toBe(0); // nothing was trained for C
    // (epoch rows belong to stages: C added none to A's retrained stage, and computed no stage of its own)
    expect(await h.db.epochMetric.count({ where: { ownerId: retrainedOfA } })).toBe(epochsOfA);
    expect(await h.db.trialStage.count({ where: { trialId: tc.id, computed: true } })).toBe(0);
  });

  it('a cancelled sweep relaunched under its id runs its cancelled trials, and its status follows the workflow throughout', async () => {
    const id = `relaunch-${Date.now()}`;
    const spec = tinySpec({ name: 'relaunch', maxParallel: 1, pruning: { methods: ['magnitude'], ratios: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] } });
    await launchSweep(h.ctx, spec, { id, dryRun: true });
    const handle = h.client.workflow.getHandle(sweepWorkflowId(id));
    await handle.signal(pauseSignal);
    await h.until(async () => (await sweepProgress(h.ctx, id)).status === 'PAUSED', 30_000, 'paused');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.signal(cancelSignal);
    const cancelled = (await handle.result()) as SweepResult;
    expect(cancelled.cancelled).toBeGreaterThanOrEqual(1);
    expect(cancelled.completed + cancelled.cancelled).toBe(6);
    expect((await sweepProgress(h.ctx, id)).status).toBe('CANCELLED');
    expect((await handle.describe()).status.name).toBe('COMPLETED'); // the workflow closed normally after cancelling

    await launchSweep(h.ctx, spec, { id, dryRun: true });
    // The row says CANCELLED until the new execution's first activity runs; `status` must follow the workflow at
    // every moment. Sampled in a loop: whenever Temporal reads the same before and after, status agrees with it.
    const running = new Set(['RUNNING', 'PAUSED', 'CANCELLING']);
    let samples = 0;
    for (let closed = false; !closed; samples++) {
      const t1 = (await handle.describe()).status.name;
      const p = await sweepProgress(h.ctx, id);
      const t2 = (await handle.describe()).status.name;
      if (t1 === t2) expect(t1 === 'RUNNING' ? running.has(p.status) : p.status === 'COMPLETED').toBe(true);
      closed = t2 !== 'RUNNING';
    }
    expect(samples).toBeGreaterThan(1);
    expect(await result(id)).toMatchObject({ total: 6, completed: 6, cancelled: 0 });
    expect((await sweepProgress(h.ctx, id)).status).toBe('COMPLETED');
    expect((await h.db.sweep.findUniqueOrThrow({ where: { id } })).status).toBe('COMPLETED');
    // Nothing unfinished is left, so resume says so instead of starting anything.
    expect(await resumeSweep(h.ctx, id)).toEqual({ unpaused: false, unfinished: 0 });
  });
});
