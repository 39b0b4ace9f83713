import { createHash } from 'node:crypto';
import type proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeSweep } from '../../../src/cli/sweeps.js';
import { pack, unpack } from '../../../src/nn/train/pack.js';
import { startPostgres, stopPostgres } from '../../../src/services/postgres.js';
import { expandSpec } from '../../../src/spec/index.js';
import { artifactIds } from '../../../src/store/trial-store.js';
import { cancelSignal } from '../../../workflows/shared.js';
import type { SweepResult } from '../../../workflows/sweep.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';
import { killed, spawnWorker } from '../../helpers/worker-process.js';

/** Heartbeat timeouts (ms) of the activities of `type` scheduled in a workflow's history. */
async function scheduledHeartbeatMs(h: SweepHarness, workflowId: string, type: string): Promise<number[]> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const ms = (d: proto.google.protobuf.IDuration | null | undefined) =>
    Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);
  return (history.events ?? [])
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === type)
    .map((a) => ms(a?.heartbeatTimeout));
}

/** `{ in: [...] }` over the retrained stage keys of a sweep's trials (retraining epochs and checkpoints belong to them). */
async function retrainedOf(h: SweepHarness, sweepId: string): Promise<{ in: string[] }> {
  return { in: (await h.db.trialStage.findMany({ where: { trial: { sweepId }, kind: 'retrained' } })).map((x) => x.stageKey) };
}

/** Faults lose nothing: a database restart, a corrupted checkpoint, a cancel then resume, a dead worker. */
describe('faults against real services', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open(['orchestration', 'sim']); // training runs in worker processes the tests control
  });
  afterAll(async () => {
    await h.close();
  });

  it('PostgreSQL stopped for 60 s mid-sweep: the sweep completes and every trial ran exactly once', async () => {
    const spec = tinySpec({
      name: 'pgdown',
      seeds: [21],
      retraining: { epochs: 3, optimizer: 'sgd', lrRule: 'A' },
      accelerators: ['kang-cx'],
    });
    const worker = spawnWorker(h, 'train');
    try {
      const { sweepId, handle } = await h.launch(spec);
      await h.until(async () => h.db.epochMetric.findFirst({ where: { phase: 'retrain', ownerId: await retrainedOf(h, sweepId) } }), 180_000, 'retraining');
      expect(await stopPostgres(h.settings.paths)).toBe(true);
      const down = Date.now();
      await new Promise((r) => setTimeout(r, 60_000));
      await startPostgres(h.settings.paths, h.settings.ports.postgres);
      const up = new Date();
      expect(up.getTime() - down).toBeGreaterThanOrEqual(60_000);
      const res = (await handle.result()) as SweepResult;
      expect(res).toMatchObject({ total: 2, completed: 2, failed: 0, cancelled: 0 });
      const trials = await h.db.trial.findMany({ where: { sweepId }, include: { simulations: true, attempts: true } });
      for (const t of trials) {
        expect([t.status, t.attempt, t.attempts.length]).toEqual(['COMPLETED', 1, 1]); // never re-run
        expect(t.simulations.map((s) => s.accelerator)).toEqual(['kang-cx']);
        const epochs = await h.db.epochMetric.findMany({
          where: { ownerId: await h.stageKey(t.id, 'retrained'), phase: 'retrain' },
          orderBy: { epoch: 'asc' },
        });
        expect(epochs.map((e) => [e.epoch, e.runs])).toEqual([
          [0, 1],
          [1, 1],
          [2, 1],
        ]); // every epoch stored exactly once, none recomputed
      }
      // Not vacuous: work was in flight across the outage (trials finished only after PostgreSQL came back).
      expect(trials.every((t) => t.finishedAt! > up)).toBe(true);
      expect((await h.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('COMPLETED');
    } finally {
      await killed(worker);
    }
  });

  it('a checkpoint whose floats became NaN (checksum recomputed) is never loaded: the phase retrains and stores the true result', async () => {
    const spec = tinySpec({
      name: 'nanckpt',
      seeds: [22],
      models: [{ name: 'lenet5', width: 3 }],
      pruning: { methods: ['magnitude'], ratios: [0.5] },
      retraining: { epochs: 4, optimizer: 'sgd', lrRule: 'A' },
      accelerators: ['kang-cx'],
    });
    let worker = spawnWorker(h, 'train');
    try {
      // The reference: the same configuration trained without a fault (training is deterministic per backend).
      const clean = await h.launch(spec, { heartbeatTimeoutMs: 3000 });
      await clean.handle.result();
      const reference = (await h.db.trial.findFirstOrThrow({ where: { sweepId: clean.sweepId } }))!;
      expect(reference.status).toBe('COMPLETED');

      const { sweepId, handle } = await h.launch(spec, { heartbeatTimeoutMs: 3000 });
      const trialId = (await h.until(() => h.db.trial.findFirst({ where: { sweepId } }), 60_000, 'trial row')).id;
      // The reference's retrained stage, computed again by this sweep (no reuse): wait until this sweep claimed it.
      const owner = (await h.until(() => h.db.trialStage.findFirst({ where: { trialId, kind: 'retrained' } }), 180_000, 'stages')).stageKey;
      await h.until(
        async () =>
          (await h.db.stage.findUniqueOrThrow({ where: { key: owner } })).sweepId === sweepId &&
          h.db.epochMetric.findFirst({ where: { ownerId: owner, phase: 'retrain', epoch: 1 } }),
        180_000,
        'epoch 1',
      );
      await killed(worker);
      // Corrupt the checkpoint the retry would resume from, as a bad disk or a bug would: NaN weights, valid checksum.
      const id = artifactIds.checkpoint(owner, 'retrain');
      const row = await h.db.artifact.findUniqueOrThrow({ where: { id } });
      const { meta, blobs } = unpack(row.data!, 'checkpoint');
      for (const [key, b] of blobs) if (key.startsWith('w/') && b.data instanceof Float32Array) b.data.fill(Number.NaN);
      const bad = pack(meta, [...blobs.values()]);
      await h.db.artifact.update({
        where: { id },
        data: {
          data: new Uint8Array(bad),
          sha256: createHash('sha256').update(bad).digest('hex'),
          sizeBytes: bad.length,
        },
      });

      worker = spawnWorker(h, 'train');
      expect(await handle.result()).toMatchObject({ completed: 1, failed: 0 });
      const t = await h.db.trial.findUniqueOrThrow({ where: { id: trialId } });
      expect(t.status).toBe('COMPLETED');
      // The true result, bit for bit the fault-free run's: retraining started over instead of loading NaN weights.
      expect([t.retrainedAccuracy, t.accuracy]).toEqual([reference.retrainedAccuracy, reference.accuracy]);
      const epochs = await h.db.epochMetric.findMany({
        where: { ownerId: owner, phase: 'retrain' },
        orderBy: { epoch: 'asc' },
      });
      expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
      expect(epochs.filter((e) => e.runs === 2).map((e) => e.epoch)).toEqual([0, 1]); // the epochs the bad checkpoint held, recomputed
    } finally {
      await killed(worker);
    }
  });

  it('cancel then resume: cancelled trials resume from their checkpoints and the sweep completes', async () => {
    const spec = tinySpec({
      name: 'cancelresume',
      seeds: [23],
      maxParallel: 2,
      models: [{ name: 'lenet5', width: 3 }],
      pruning: { methods: ['magnitude'], ratios: [0.3, 0.5, 0.7] },
      retraining: { epochs: 4, optimizer: 'sgd', lrRule: 'A' },
      accelerators: ['kang-cx'],
    });
    const worker = spawnWorker(h, 'train');
    try {
      const { sweepId, handle } = await h.launch(spec, { heartbeatTimeoutMs: 5000 });
      await h.until(async () => h.db.epochMetric.findFirst({ where: { phase: 'retrain', epoch: 1, ownerId: await retrainedOf(h, sweepId) } }), 240_000, 'epoch 1');
      await handle.signal(cancelSignal);
      const cancelled = (await handle.result()) as SweepResult;
      expect(cancelled.cancelled).toBeGreaterThanOrEqual(2); // at least the running one and the pending one
      const interrupted = (await h.db.trial.findMany({ where: { sweepId, status: 'CANCELLED', attempt: 1 } })).map(
        (t) => t.id,
      );
      expect(interrupted.length).toBeGreaterThanOrEqual(1);

      const r = await resumeSweep(h.ctx, sweepId);
      expect(r).toMatchObject({ unpaused: false, unfinished: cancelled.cancelled });
      expect(await handle.result()).toMatchObject({ total: 3, completed: 3, failed: 0, cancelled: 0 });
      for (const id of interrupted) {
        const t = await h.db.trial.findUniqueOrThrow({
          where: { id },
          include: { attempts: { orderBy: { attempt: 'asc' } } },
        });
        expect(t.attempts.map((a) => [a.attempt, a.status])).toEqual([
          [1, 'CANCELLED'],
          [2, 'COMPLETED'],
        ]);
        // Resumed, not restarted: every epoch stored once (the one in flight at the cancel was never stored).
        const epochs = await h.db.epochMetric.findMany({
          where: { ownerId: await h.stageKey(id, 'retrained'), phase: 'retrain' },
          orderBy: { epoch: 'asc' },
        });
        expect(epochs.map((e) => [e.epoch, e.runs])).toEqual([
          [0, 1],
          [1, 1],
          [2, 1],
          [3, 1],
        ]);
      }
    } finally {
      await killed(worker);
    }
  });

  it('a dead worker is noticed within about one measured epoch or 30 s: the heartbeat timeout follows the epoch time', async () => {
    // Own data subsets: no other test's baseline counts as comparable (and this test's fake row touches no other).
    const spec = tinySpec({
      name: 'hbtimeout',
      seeds: [24],
      data: { trainSubset: 1000, testSubset: 200 },
      pruning: { methods: ['magnitude'], ratios: [0.5] },
      accelerators: ['kang-cx'],
    });
    const baselineKey = expandSpec(spec).trials[0]!.baselineKey;
    // As if an earlier attempt had measured 50 s epochs for this baseline: timeouts become 1.5 x 50 s = 75 s.
    await h.db.epochMetric.create({
      data: { ownerId: baselineKey, phase: 'measured', epoch: 0, lr: 0.1, durationMs: 50_000 },
    });
    const worker = spawnWorker(h, 'train');
    try {
      const { sweepId, handle } = await h.launch(spec);
      expect(await handle.result()).toMatchObject({ completed: 1 });
      expect(await scheduledHeartbeatMs(h, `baseline/${baselineKey}`, 'trainBaseline')).toEqual([75_000]);
      // The trial's retrained stage measured nothing before it started: its baseline's epochs (the 50 s) count.
      const trialId = (await h.db.trial.findFirstOrThrow({ where: { sweepId } })).id;
      expect(await scheduledHeartbeatMs(h, `stage/retrained/${await h.stageKey(trialId, 'retrained')}`, 'retrainStage')).toEqual([75_000]);
      // And a model never measured anywhere gets the 30 s floor.
      const fresh = tinySpec({
        name: 'hbfloor',
        seeds: [25],
        data: { trainSubset: 999, testSubset: 200 },
        pruning: { methods: ['magnitude'], ratios: [0.5] },
        accelerators: ['kang-cx'],
      });
      const f = await h.launch(fresh);
      await f.handle.result();
      const freshKey = expandSpec(fresh).trials[0]!.baselineKey;
      expect(await scheduledHeartbeatMs(h, `baseline/${freshKey}`, 'trainBaseline')).toEqual([30_000]);
    } finally {
      await killed(worker);
    }
  });
});
