import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporal, stopTemporal } from '../../../src/services/temporal.js';
import { cancelSignal } from '../../../workflows/shared.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';
import { killed, spawnWorker } from '../../helpers/worker-process.js';

describe('resumability against real services', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open(['orchestration', 'sim']); // training runs in child processes
  });
  afterAll(async () => {
    await h.close();
  });

  it('kill -9 of the worker during retraining: a new worker resumes from the last checkpoint, at most one epoch is lost', async () => {
    const EPOCHS = 6;
    const spec = tinySpec({
      name: 'kill9',
      models: [{ name: 'lenet5', width: 3 }],
      pruning: { methods: ['magnitude'], ratios: [0.5] },
      retraining: { epochs: EPOCHS, optimizer: 'sgd', lrRule: 'A' },
      accelerators: ['kang-cx'],
    });
    let worker = spawnWorker(h, 'train');
    try {
      const { sweepId } = await h.launch(spec, { heartbeatTimeoutMs: 3000 });
      const trialId = (await h.until(() => h.db.trial.findFirst({ where: { sweepId } }), 60_000, 'trial row')).id;
      // Retraining epochs belong to the trial's retrained stage.
      const owner = (await h.until(() => h.db.trialStage.findFirst({ where: { trialId, kind: 'retrained' } }), 240_000, 'stages')).stageKey;
      // Kill as soon as two retraining epochs (and their checkpoints) are stored.
      await h.until(() => h.db.epochMetric.findFirst({ where: { ownerId: owner, phase: 'retrain', epoch: 1 } }), 240_000, 'epoch 1');
      await killed(worker);
      const beforeKill = await h.db.epochMetric.findMany({ where: { ownerId: owner, phase: 'retrain' }, orderBy: { epoch: 'asc' } });
      expect(beforeKill.length).toBeLessThan(EPOCHS); // the kill really interrupted retraining
      worker = spawnWorker(h, 'train');
      const res = await h.result(sweepId);
      expect(res).toMatchObject({ total: 1, completed: 1, failed: 0 });

      const rows = await h.db.epochMetric.findMany({ where: { ownerId: owner, phase: 'retrain' }, orderBy: { epoch: 'asc' } });
      expect(rows.map((r) => r.epoch)).toEqual([...Array(EPOCHS).keys()]); // every epoch exactly once
      expect(rows.every((r) => r.runs === 1)).toBe(true); // no stored epoch was computed twice
      const first = rows.filter((r) => r.attempt === 1).map((r) => r.epoch);
      const resumed = rows.filter((r) => r.attempt > 1).map((r) => r.epoch);
      // The first attempt stored a prefix; the retry continued right after it (resumed, not restarted).
      expect(first).toEqual([...Array(first.length).keys()]);
      expect(first.length).toBeGreaterThanOrEqual(2);
      expect(resumed[0]).toBe(first.length);
      expect(first.length + resumed.length).toBe(EPOCHS);
      // So the work lost is the epoch in flight at the kill, at most one.
      expect(first.length).toBeGreaterThanOrEqual(beforeKill.length);
      const trial = await h.db.trial.findUniqueOrThrow({ where: { id: trialId } });
      expect(trial.status).toBe('COMPLETED');
    } finally {
      await killed(worker);
    }
  });

  it('stopping and restarting the Temporal server mid-sweep: the sweep completes with every trial exactly once', async () => {
    const spec = tinySpec({ name: 'restart', pruning: { methods: ['magnitude', 'group-balanced'], ratios: [0.5, 0.75], groupSizes: [4], narrowConvs: 'flat' } });
    const worker = spawnWorker(h, 'train');
    try {
      const { sweepId } = await h.launch(spec, { heartbeatTimeoutMs: 5000 });
      await h.until(() => h.db.trial.findFirst({ where: { sweepId, status: 'COMPLETED' } }), 240_000, 'a completed trial');
      await stopTemporal(h.settings.paths);
      await new Promise((r) => setTimeout(r, 1500));
      await startTemporal(h.settings.paths, h.settings.ports);
      const res = await h.until(
        async () => {
          const t = await h.db.trial.groupBy({ by: ['status'], where: { sweepId }, _count: { _all: true } });
          return t.length === 1 && t[0]!.status === 'COMPLETED' && t[0]!._count._all === 4 ? t : undefined;
        },
        300_000,
        'all trials completed after the restart',
      );
      expect(res[0]!._count._all).toBe(4);
      const trials = await h.db.trial.findMany({ where: { sweepId }, include: { simulations: true, layers: true } });
      expect(trials).toHaveLength(4);
      expect(new Set(trials.map((t) => t.configHash)).size).toBe(4);
      for (const t of trials) {
        expect(t.simulations.map((s) => s.accelerator).sort()).toEqual(['kang-cx', 'zhu-array']);
        expect(t.layers).toHaveLength(5);
        expect(await h.db.epochMetric.count({ where: { ownerId: await h.stageKey(t.id, 'retrained'), phase: 'retrain' } })).toBe(1);
      }
      await h.until(async () => (await h.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status === 'COMPLETED', 60_000, 'sweep row');
    } finally {
      await killed(worker);
    }
  });

  it('cancel stops running trials promptly and records them, and the pending ones, as cancelled', async () => {
    const spec = tinySpec({
      name: 'cancel',
      maxParallel: 2,
      models: [{ name: 'lenet5', width: 3 }],
      pruning: { methods: ['magnitude'], ratios: [0.3, 0.5, 0.7, 0.9] },
      retraining: { epochs: 50, optimizer: 'sgd', lrRule: 'A' },
      accelerators: ['kang-cx'],
    });
    const worker = spawnWorker(h, 'train');
    try {
      const { sweepId, handle } = await h.launch(spec, { heartbeatTimeoutMs: 5000 });
      // Retraining epochs belong to the trials' retrained stages.
      const retrainedOf = async () => ({
        in: (await h.db.trialStage.findMany({ where: { trial: { sweepId }, kind: 'retrained' } })).map((x) => x.stageKey),
      });
      await h.until(async () => h.db.epochMetric.findFirst({ where: { phase: 'retrain', ownerId: await retrainedOf() } }), 240_000, 'retraining');
      const t0 = Date.now();
      await handle.signal(cancelSignal); // what `hwsweep cancel <id>` sends
      const res = (await handle.result()) as { cancelled: number };
      const elapsedMs = Date.now() - t0;
      expect(elapsedMs).toBeLessThan(20_000);
      expect(res.cancelled).toBeGreaterThanOrEqual(1);
      const trials = await h.db.trial.findMany({ where: { sweepId } });
      expect(trials.filter((t) => t.status === 'PENDING' || t.status === 'RUNNING')).toEqual([]);
      expect(trials.filter((t) => t.status === 'CANCELLED').length).toBeGreaterThanOrEqual(3);
      for (const t of trials.filter((x) => x.status === 'CANCELLED' && x.attempt > 0)) {
        expect(await h.db.epochMetric.count({ where: { ownerId: await h.stageKey(t.id, 'retrained'), phase: 'retrain' } })).toBeLessThan(50);
      }
      expect((await h.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('CANCELLED');
      // The training activity stops too: no retraining epoch is recorded after the cancellation settled.
      const owners = await retrainedOf();
      const n = await h.db.epochMetric.count({ where: { phase: 'retrain', ownerId: owners } });
      await new Promise((r) => setTimeout(r, 3000));
      expect(await h.db.epochMetric.count({ where: { phase: 'retrain', ownerId: owners } })).toBe(n);
      // The stages they were computing are left resumable (cancelled, partial epochs kept), never completed.
      // (`pending`: planned by a trial that was cancelled before it started the stage.)
      const stages = await h.db.stage.findMany({ where: { key: owners, kind: 'retrained' } });
      expect(stages.filter((x) => x.status === 'cancelled').length).toBeGreaterThanOrEqual(1);
      expect(stages.filter((x) => !['cancelled', 'pending'].includes(x.status))).toEqual([]);
    } finally {
      await killed(worker);
    }
  });
});
