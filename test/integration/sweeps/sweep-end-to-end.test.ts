import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities/index.js';
import { createPrismaTrialStore } from '../../../src/store/prisma-store.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';

describe('a real sweep on the Temporal dev server, workers and PostgreSQL', () => {
  const h = new SweepHarness();
  let sweepId = '';
  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs every trial (shared baseline → prune → retrain → quantize → evaluate → simulate) and stores typed rows', async () => {
    const spec = tinySpec();
    const launched = await h.launch(spec);
    sweepId = launched.sweepId;
    const res = await h.result(sweepId);
    expect(res).toMatchObject({ total: 2, completed: 2, failed: 0, cancelled: 0 });

    const trials = await h.db.trial.findMany({ where: { sweepId }, orderBy: { number: 'asc' } });
    expect(trials.map((t) => [t.method, t.status])).toEqual([
      ['magnitude', 'COMPLETED'],
      ['group-balanced', 'COMPLETED'],
    ]);
    // Every swept axis is a typed column (null where the method ignores it), not only JSON in `config`.
    expect(trials.map((t) => [t.narrowConvs, t.schedule, t.fcPolicy, t.rowsKept, t.fcRatio, t.clusterInit])).toEqual([
      [null, 'one-shot', 'prune', null, null, null],
      ['flat', 'one-shot', 'prune', null, null, null],
    ]);
    for (const t of trials) {
      expect(t.attempt).toBe(1); // started once
      expect(t.activityAttempt).toBe(1); // no step needed a retry
      expect(t.weightBits).toBe(8);
      expect(t.achievedRatio).toBeGreaterThan(0.4);
      expect(t.achievedRatio).toBeLessThan(0.6);
      expect(t.accuracy).toBeGreaterThan(0);
      expect(t.baselineAccuracy).toBeGreaterThan(0.3); // 4 classes: chance is 0.25
      expect(t.compressionRatio).toBeGreaterThan(4); // 8-bit + 50 % pruning vs fp32
    }
    // One baseline shared by both trials, trained once: one row, one epoch row per baseline epoch.
    const baselines = await h.db.baseline.findMany({ where: { key: trials[0]!.baselineKey } });
    expect(baselines).toHaveLength(1);
    expect(new Set(trials.map((t) => t.baselineKey)).size).toBe(1);
    const baseEpochs = await h.db.epochMetric.findMany({ where: { ownerId: trials[0]!.baselineKey, phase: 'baseline' } });
    expect(baseEpochs.map((e) => [e.epoch, e.runs])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(baseEpochs.map((e) => e.lr)).toEqual([0.05, expect.closeTo(0.005, 10)]);
    // Retraining epochs, per-layer compression rows, one simulation per accelerator with per-layer rows.
    for (const t of trials) {
      expect(await h.db.epochMetric.count({ where: { ownerId: await h.stageKey(t.id, 'retrained'), phase: 'retrain' } })).toBe(1);
      const layers = await h.db.layerResult.findMany({ where: { trialId: t.id } });
      expect(layers.map((l) => l.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
      const sims = await h.db.simulation.findMany({ where: { trialId: t.id }, include: { layers: true } });
      expect(sims.map((s) => s.accelerator).sort()).toEqual(['kang-cx', 'zhu-array']);
      for (const s of sims) {
        expect(s.totalCycles).toBeGreaterThan(0);
        expect(s.layers).toHaveLength(5);
        // speedup = reference total / total, and the five factor columns multiply to it
        expect(s.speedup).toBeCloseTo(s.referenceCycles! / s.totalCycles, 9);
        const product =
          s.bitWidthFactor! * s.weightSparsityFactor! * s.activationSkipFactor! * s.clusteringFactor! * s.memoryFactor!;
        expect(product / s.speedup!).toBeCloseTo(1, 9);
        expect(s.layers.reduce((a, l) => a + l.referenceCycles!, 0)).toBeCloseTo(s.referenceCycles!, 6);
      }
      // zhu-array is a dense array: its speedup comes from the bit width only (8-bit on a 16-bit reference)
      const zhu = sims.find((s) => s.accelerator === 'zhu-array')!;
      expect(zhu.weightSparsityFactor).toBe(1);
      expect(zhu.activationSkipFactor).toBe(1);
      expect(zhu.bitWidthFactor!).toBeGreaterThan(1.2);
      // kang-cx skips zero weights, not zero activations
      expect(sims.find((s) => s.accelerator === 'kang-cx')!.activationSkipFactor).toBe(1);
    }
    // Group-balanced masks are balanced on kang-cx: imbalance 1 on the pruned layers' simulation.
    const gbp = trials.find((t) => t.method === 'group-balanced')!;
    const mag = trials.find((t) => t.method === 'magnitude')!;
    const cx = async (id: string) => (await h.db.simulation.findFirstOrThrow({ where: { trialId: id, accelerator: 'kang-cx' } })).speedup!;
    expect(await cx(gbp.id)).toBeGreaterThan(1);
    expect(await cx(mag.id)).toBeGreaterThan(0);
    // Retention: completed stages and the baseline keep their final artefacts, no checkpoint; trials own none.
    for (const t of trials) {
      const [r, c] = [await h.stageKey(t.id, 'retrained'), await h.stageKey(t.id, 'compressed')];
      for (const owner of [r, c, t.id, t.baselineKey]) expect(await h.db.artifact.count({ where: { ownerId: owner, kind: 'checkpoint' } })).toBe(0);
      const kept = (await h.db.artifact.findMany({ where: { ownerId: { in: [r, c, t.id] } }, select: { id: true } })).map((a) => a.id).sort();
      expect(kept).toEqual([`export/${c}`, `masks/${r}`, `sim/${c}`, `weights/${r}/retrained`]);
    }
    expect(await h.db.artifact.count({ where: { id: `weights/${trials[0]!.baselineKey}/baseline` } })).toBe(1);
    const sweep = await h.db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(sweep.status).toBe('COMPLETED');
  });

  it('the SQL views answer the common questions from the stored rows', async () => {
    const pareto = await h.db.$queryRawUnsafe<{ label: string }[]>(
      `select label from pareto_accuracy_speedup where sweep_id = $1 and accelerator = 'kang-cx'`,
      sweepId,
    );
    expect(pareto.length).toBeGreaterThanOrEqual(1);
    const deltas = await h.db.$queryRawUnsafe<{ accuracy_delta: number }[]>(`select accuracy_delta from baseline_deltas where sweep_id = $1`, sweepId);
    expect(deltas).toHaveLength(2);
    const bottlenecks = await h.db.$queryRawUnsafe<{ rank: bigint }[]>(
      `select rank from layer_bottlenecks where trial_id in (select id from trials where sweep_id = $1) and rank = 1`,
      sweepId,
    );
    expect(bottlenecks).toHaveLength(4); // 2 trials × 2 accelerators, one top layer each
  });

  it('running the same activities again writes no duplicate rows (idempotent upserts on natural keys)', async () => {
    const acts = createActivities({ store: createPrismaTrialStore(h.db) });
    const trial = await h.db.trial.findFirstOrThrow({ where: { sweepId, method: 'magnitude' } });
    const [retrained, compressed] = [await h.stageKey(trial.id, 'retrained'), await h.stageKey(trial.id, 'compressed')];
    const sims = (await h.db.trialStage.findMany({ where: { trialId: trial.id, kind: 'simulation' }, orderBy: { accelerator: 'asc' } })).map((s, i) => ({
      key: s.stageKey,
      index: i,
    }));
    const counts = async () => ({
      layers: await h.db.layerResult.count({ where: { trialId: trial.id } }),
      sims: await h.db.simulation.count({ where: { trialId: trial.id } }),
      simLayers: await h.db.layerSimulation.count({ where: { simulation: { trialId: trial.id } } }),
      epochs: await h.db.epochMetric.count({ where: { ownerId: retrained } }),
      artifacts: await h.db.artifact.count({ where: { ownerId: { in: [retrained, compressed] } } }),
      stages: await h.db.stage.count({ where: { key: { in: [retrained, compressed, ...sims.map((s) => s.key)] }, status: 'completed' } }),
      trials: await h.db.trial.count({ where: { sweepId } }),
    });
    const before = await counts();
    const env = new MockActivityEnvironment();
    const spec = (await h.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).spec;
    await env.run(acts.registerSweep, { sweepId, workflowId: 'x', spec: spec as never });
    const caller = { trialId: trial.id, sweepId, reuse: false };
    await env.run(acts.simulateStages, { ...caller, compressed, sims });
    await env.run(acts.simulateStages, { ...caller, compressed, sims });
    await env.run(acts.retrainStage, { ...caller, key: retrained, until: 1 });
    await env.run(acts.compressStage, { ...caller, key: compressed, retrained });
    expect(before.stages).toBe(4);
    expect(await counts()).toEqual(before);
    // A finished trial is immutable: finishing it again with another status changes nothing.
    await env.run(acts.finishTrial, { trialId: trial.id, status: 'FAILED' as const, error: 'late duplicate' });
    expect((await h.db.trial.findUniqueOrThrow({ where: { id: trial.id } })).status).toBe('COMPLETED');
  });
});

describe('gradual pruning inside a sweep', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.close();
  });

  it('prunes in rounds, retrains after each round, and ends at the one-shot ratio', async () => {
    const spec = tinySpec({
      name: 'gradual',
      pruning: { methods: ['group-balanced'], ratios: [0.75], groupSizes: [4], narrowConvs: 'flat', schedule: 'gradual', steps: 3 },
      accelerators: ['kang-cx'],
    });
    const { sweepId } = await h.launch(spec);
    expect(await h.result(sweepId)).toMatchObject({ total: 1, completed: 1 });
    const t = await h.db.trial.findFirstOrThrow({ where: { sweepId } });
    // p = 3 of g = 4 per full group; conv1's flattened groups (25 taps) have a short last group, hence < 0.75.
    expect(t.achievedRatio).toBeGreaterThan(0.7);
    expect(t.achievedRatio).toBeLessThanOrEqual(0.75);
    const kept = (await h.db.layerResult.findMany({ where: { trialId: t.id } })).reduce((a, l) => a + l.kept, 0);
    expect(kept).toBe(t.weightsKept);
    const phases = await h.db.epochMetric.findMany({ where: { ownerId: await h.stageKey(t.id, 'retrained') }, orderBy: [{ phase: 'asc' }] });
    expect(phases.map((p) => p.phase)).toEqual(['retrain-1', 'retrain-2', 'retrain-3']);
    const sim = await h.db.simulation.findFirstOrThrow({ where: { trialId: t.id } });
    expect(sim.speedup).toBeGreaterThan(1);
    // The rounds' weights, masks and checkpoints were only needed to resume: gone once the stage completed.
    const [r, c] = [await h.stageKey(t.id, 'retrained'), await h.stageKey(t.id, 'compressed')];
    expect((await h.db.artifact.findMany({ where: { ownerId: { in: [r, c] } }, select: { id: true } })).map((a) => a.id).sort()).toEqual([
      `export/${c}`,
      `masks/${r}`,
      `sim/${c}`,
      `weights/${r}/retrained`,
    ]);
  });
});
