import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities/index.js';
import { createPrismaTrialStore } from '../../../src/store/prisma-store.js';
import { formatSavings, launchSweep, stageSavings } from '../../../src/cli/sweeps.js';
import { sweepWorkflowId } from '../../../src/cli/context.js';
import type { SweepResult } from '../../../workflows/sweep.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';

/**
 * Shared stages against the real services: trials that differ only in later settings share the earlier stage
 * results (computed once, within a sweep and across sweeps), dry runs never serve as results, and --no-reuse
 * recomputes what other sweeps computed.
 */
describe('a trial is a path through shared stages', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.close();
  });
  const result = (sweepId: string) => h.client.workflow.getHandle(sweepWorkflowId(sweepId)).result() as Promise<SweepResult>;
  const trialsOf = (sweepId: string) => h.db.trial.findMany({ where: { sweepId }, orderBy: { number: 'asc' }, include: { stages: true, simulations: true } });
  const spec = (o: Record<string, unknown>) =>
    tinySpec({ name: 'stages', seeds: [21], pruning: { methods: ['magnitude'], ratios: [0.5] }, accelerators: ['kang-cx'], ...o });

  it('trials differing only in bit width retrain once: one retrained stage, computed by one trial, reused by the other', async () => {
    const { sweepId } = await h.launch(spec({ quantization: { weightBits: [8, 4], activationBits: [8], threshold: 'max', calibrationSize: 64 } }));
    expect(await h.result(sweepId)).toMatchObject({ total: 2, completed: 2, failed: 0 });
    const [w8, w4] = await trialsOf(sweepId);
    const retrained = (t: typeof w8) => t!.stages.find((s) => s.kind === 'retrained')!;
    expect(retrained(w8).stageKey).toBe(retrained(w4).stageKey);
    // One computation: one epoch row, computed once, and the two trials carry its results.
    const rows = await h.db.epochMetric.findMany({ where: { ownerId: retrained(w8).stageKey, phase: 'retrain' } });
    expect(rows.map((r) => [r.epoch, r.runs])).toEqual([[0, 1]]);
    expect(w8!.retrainedAccuracy).toBe(w4!.retrainedAccuracy);
    expect(w8!.prunedAccuracy).toBe(w4!.prunedAccuracy);
    expect([retrained(w8).computed, retrained(w4).computed].sort()).toEqual([false, true]);
    // Compression differs (its own stage each), so do the measured accuracies' storage.
    expect(w8!.stages.find((s) => s.kind === 'compressed')!.stageKey).not.toBe(w4!.stages.find((s) => s.kind === 'compressed')!.stageKey);
    expect(w8!.modelBytes).toBeGreaterThan(w4!.modelBytes!);
    const savings = await stageSavings(h.ctx, sweepId);
    expect(savings.find((x) => x.kind === 'retrained')).toEqual({ kind: 'retrained', computed: 1, reused: 1, epochsComputed: 1, epochsReused: 1 });
    expect(formatSavings(savings)).toContain('1 retrained models computed, 1 reused (1 of 2 retraining epochs not run)');
  });

  it('a later sweep reuses what it shares and computes only the rest (here: the simulation on a new accelerator)', async () => {
    const first = await h.launch(spec({ seeds: [22] }));
    await h.result(first.sweepId);
    const [a] = await trialsOf(first.sweepId);
    const l = await launchSweep(h.ctx, spec({ seeds: [22], accelerators: ['kang-cx', 'zhu-array'] })); // reuse on
    expect(await result(l.sweepId)).toMatchObject({ total: 1, completed: 1, reused: 0 });
    const [b] = await trialsOf(l.sweepId);
    const computed = Object.fromEntries(b!.stages.map((s) => [s.kind === 'simulation' ? s.accelerator : s.kind, s.computed]));
    expect(computed).toEqual({ retrained: false, compressed: false, 'kang-cx': false, 'zhu-array': true });
    expect(b!.accuracy).toBe(a!.accuracy);
    expect(b!.simulations.map((s) => s.accelerator).sort()).toEqual(['kang-cx', 'zhu-array']);
    const cx = (t: typeof a) => t!.simulations.find((s) => s.accelerator === 'kang-cx')!;
    expect(cx(b).totalCycles).toBe(cx(a).totalCycles);
    expect(b!.reusedFrom).toBeNull(); // it computed one stage itself
  });

  it('a dry run never serves as a result: a real sweep of the same configuration computes it', async () => {
    const s = spec({ seeds: [23] });
    const dry = await h.launch(s, { dryRun: true });
    expect(await h.result(dry.sweepId)).toMatchObject({ completed: 1 });
    const real = await launchSweep(h.ctx, s); // reuse on: only really computed stages may serve
    expect(await result(real.sweepId)).toMatchObject({ completed: 1, reused: 0 });
    const [t] = await trialsOf(real.sweepId);
    expect(t).toMatchObject({ status: 'COMPLETED', phase: 'done', reusedFrom: null });
    expect(t!.accuracy).toBeGreaterThan(0);
    expect(t!.simulations).toHaveLength(1);
    expect(t!.stages.every((x) => x.computed === true)).toBe(true);
    expect(await h.db.epochMetric.count({ where: { ownerId: t!.stages.find((x) => x.kind === 'retrained')!.stageKey } })).toBe(1);
  });

  it('a sweep with every stage computed elsewhere is copied (reused_from), and --no-reuse computes it again from nothing', async () => {
    const s = spec({ seeds: [24] });
    const a = await h.launch(s);
    await h.result(a.sweepId);
    const [ta] = await trialsOf(a.sweepId);
    const c = await launchSweep(h.ctx, s);
    expect(await result(c.sweepId)).toMatchObject({ completed: 1, reused: 1 });
    const [tc] = await trialsOf(c.sweepId);
    expect(tc).toMatchObject({ phase: 'reused', reusedFrom: ta!.id, accuracy: ta!.accuracy });
    // Its batch start retried (a local activity run twice): still reported as copied, and the row is unchanged.
    const acts = createActivities({ store: createPrismaTrialStore(h.db) });
    expect(await acts.startTrials({ sweepId: c.sweepId, numbers: [0], reuse: true })).toEqual([{ number: 0, settled: 'REUSED' }]);
    expect((await trialsOf(c.sweepId))[0]).toMatchObject({ status: 'COMPLETED', attempt: tc!.attempt, finishedAt: tc!.finishedAt });
    const key = ta!.stages.find((x) => x.kind === 'retrained')!.stageKey;
    const before = await h.db.epochMetric.findFirstOrThrow({ where: { ownerId: key } });
    const d = await h.launch(s); // reuse off
    expect(await h.result(d.sweepId)).toMatchObject({ completed: 1, reused: 0 });
    const [td] = await trialsOf(d.sweepId);
    expect(td!.stages.every((x) => x.computed === true)).toBe(true);
    expect(await h.db.stage.findUniqueOrThrow({ where: { key } })).toMatchObject({ status: 'completed', computedBy: td!.id, sweepId: d.sweepId });
    // Computed again from nothing: the old epoch row went with the old result (same values: same seed, same code).
    const after = await h.db.epochMetric.findFirstOrThrow({ where: { ownerId: key } });
    expect(after.runs).toBe(1);
    expect(after.recordedAt.getTime()).toBeGreaterThan(before.recordedAt.getTime());
    expect(after.loss).toBe(before.loss);
  });
});
