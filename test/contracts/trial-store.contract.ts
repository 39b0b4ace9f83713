import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expandSpec, parseSpecObject, type TrialConfig } from '../../src/spec/index.js';
import { artifactIds, type LayerResultRow, type LayerSimulationRow, type SimulationRow, type SweepRecord, type TrialStore } from '../../src/store/trial-store.js';

/** Read-back and fault hooks the contract needs beyond the port itself (one per implementation). */
export interface StoreInspector {
  layerResults(trialId: string): Promise<{ layer: string; kept: number }[]>;
  simulations(trialId: string): Promise<{ accelerator: string; totalCycles: number; layers: { layer: string; totalCycles: number }[] }[]>;
  epochs(ownerId: string): Promise<{ phase: string; epoch: number; loss: number | null; attempt: number; runs: number }[]>;
  /** Changes an artefact's stored bytes without updating its checksum (a torn or tampered write). */
  corruptArtifact(id: string): Promise<void>;
  attempts(trialId: string): Promise<{ attempt: number; status: string; phase: string | null; error: string | null; errorType: string | null }[]>;
}

/**
 * The behaviour every {@link TrialStore} implementation must have (its TSDoc invariants, as tests). Call it from a
 * test file with a factory for the implementation under test; each case works on its own fresh sweep id and seed,
 * so cases never share rows (not even a baseline).
 */
export function describeTrialStoreContract(name: string, setup: () => { store: TrialStore; inspect: StoreInspector }): void {
  const store = (): TrialStore => setup().store;
  /** Trials of a small grid over the given pruning ratios (one config hash per ratio), with a seed of this case. */
  const trialsFor = (ratios: number[], seed = 1000 + Math.floor(Math.random() * 1e6)): TrialConfig[] =>
    expandSpec(parseSpecObject({ name: 'contract', datasets: ['synthetic'], seeds: [seed], pruning: { methods: ['magnitude'], ratios } }))
      .trials;
  const sweep = (trials: TrialConfig[], id = `contract-${randomUUID()}`): SweepRecord => ({
    id,
    name: 'contract',
    spec: { name: 'contract' },
    specHash: 'h',
    workflowId: `sweep/${id}`,
    trials,
    rejected: [],
  });
  const numbers = async (s: TrialStore, rec: SweepRecord) =>
    Object.fromEntries(
      await Promise.all(rec.trials.map(async (t) => [t.pruneRatio, (await s.trial(`${rec.id}/${t.configHash}`)).number] as const)),
    );
  /** Registers a one-trial sweep and returns the store, the sweep id and the trial id. */
  const oneTrial = async () => {
    const s = store();
    const rec = sweep(trialsFor([0.5]));
    await s.registerSweep(rec);
    return { s, sweepId: rec.id, id: (await s.trialByNumber(rec.id, 0)).id };
  };

  /** Registers two sweeps of the same one-trial grid in `s`; `id(sweep)` is that trial's id in the sweep. */
  const twoSweepsOfOneTrial = async (s: TrialStore) => {
    const trials = trialsFor([0.5]);
    const [a, b] = [sweep(trials), sweep(trials)];
    for (const r of [a, b]) await s.registerSweep(r);
    return { a, b, id: (r: SweepRecord) => `${r.id}/${trials[0]!.configHash}` };
  };

  describe(`TrialStore contract: ${name}`, () => {
    it('registerSweep numbers trials in expansion order and a second call adds nothing', async () => {
      const s = store();
      const rec = sweep(trialsFor([0.25, 0.5, 0.75]));
      expect(await s.registerSweep(rec)).toEqual({ total: 3, added: 3 });
      expect(await numbers(s, rec)).toEqual({ 0.25: 0, 0.5: 1, 0.75: 2 });
      expect(await s.registerSweep(rec)).toEqual({ total: 3, added: 0 });
      expect((await s.sweep(rec.id))?.trialCount).toBe(3);
      expect(await s.trialCounts(rec.id)).toMatchObject({ PENDING: 3, RUNNING: 0, COMPLETED: 0 });
    });

    it('registerSweep with a larger spec keeps every known trial, its number and its state, and numbers new ones after them', async () => {
      const s = store();
      const seed = 7;
      const first = sweep(trialsFor([0.25, 0.75], seed));
      await s.registerSweep(first);
      const done = await s.trialByNumber(first.id, 0);
      await s.startTrial(done.id);
      await s.finishTrial(done.id, { status: 'COMPLETED' });
      // The new spec puts its new ratios before and between the old ones: numbering must not follow it.
      const second = sweep(trialsFor([0.1, 0.25, 0.5, 0.75], seed), first.id);
      expect(await s.registerSweep(second)).toEqual({ total: 4, added: 2 });
      expect(await numbers(s, second)).toEqual({ 0.25: 0, 0.75: 1, 0.1: 2, 0.5: 3 });
      expect((await s.trial(done.id)).status).toBe('COMPLETED');
      expect(await s.trialCounts(first.id)).toMatchObject({ PENDING: 3, COMPLETED: 1 });
    });

    it('concurrent registrations of one sweep give every config hash exactly one distinct number', async () => {
      const s = store();
      const a = sweep(trialsFor([0.1, 0.2, 0.3], 8));
      const b = sweep(trialsFor([0.3, 0.4, 0.5, 0.6], 8), a.id);
      await Promise.all([s.registerSweep(a), s.registerSweep(b)]);
      const all = { ...(await numbers(s, a)), ...(await numbers(s, b)) };
      expect(Object.keys(all)).toHaveLength(6);
      expect(Object.values(all).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect((await s.sweep(a.id))?.trialCount).toBe(6);
    });

    it('startTrial counts an attempt once, answers run:true again while RUNNING and run:false once finished', async () => {
      const { s, id } = await oneTrial();
      expect(await s.startTrial(id)).toEqual({ run: true, attempt: 1 });
      expect(await s.startTrial(id)).toEqual({ run: true, attempt: 1 });
      expect((await s.trial(id)).status).toBe('RUNNING');
      await s.finishTrial(id, { status: 'COMPLETED' });
      expect(await s.startTrial(id)).toEqual({ run: false, attempt: 1 });
    });

    it('a finished trial is immutable: finishTrial and recordTrialPhase leave it unchanged', async () => {
      const { s, id } = await oneTrial();
      await s.startTrial(id);
      await s.recordTrialPhase(id, 'compress', { accuracy: 0.8 });
      await s.finishTrial(id, { status: 'FAILED', error: 'boom', errorType: 'SHAPE_MISMATCH' });
      await s.finishTrial(id, { status: 'COMPLETED' });
      await s.recordTrialPhase(id, 'simulate', { accuracy: 0.1 });
      expect((await s.trial(id)).status).toBe('FAILED');
      expect((await s.trialResults(id)).accuracy).toBe(0.8);
    });

    it('recordTrialPhase stores non-finite results as null and leaves omitted ones alone', async () => {
      const { s, id } = await oneTrial();
      await s.startTrial(id);
      await s.recordTrialPhase(id, 'prune', { prunedAccuracy: 0.5, achievedRatio: 0.5 });
      await s.recordTrialPhase(id, 'compress', { accuracy: Number.NaN, compressionRatio: Number.POSITIVE_INFINITY });
      expect(await s.trialResults(id)).toMatchObject({ prunedAccuracy: 0.5, achievedRatio: 0.5, accuracy: null, compressionRatio: null });
    });

    it('setSweepStatus of a sweep that has no row yet changes nothing and does not fail', async () => {
      const s = store();
      const id = `contract-none-${randomUUID()}`;
      await expect(s.setSweepStatus(id, 'CANCELLED')).resolves.toBeUndefined();
      expect(await s.sweep(id)).toBeUndefined();
    });

    it('cancelUnfinishedTrials cancels PENDING and RUNNING trials only', async () => {
      const s = store();
      const rec = sweep(trialsFor([0.25, 0.5, 0.75]));
      await s.registerSweep(rec);
      const [t0, t1] = [await s.trialByNumber(rec.id, 0), await s.trialByNumber(rec.id, 1)];
      await s.startTrial(t0.id);
      await s.finishTrial(t0.id, { status: 'COMPLETED' });
      await s.startTrial(t1.id);
      expect(await s.cancelUnfinishedTrials(rec.id)).toBe(2);
      expect(await s.trialCounts(rec.id)).toMatchObject({ COMPLETED: 1, CANCELLED: 2, PENDING: 0, RUNNING: 0 });
    });

    it('layer results and simulations are upserts on their natural keys', async () => {
      const { store: s, inspect } = setup();
      const rec = sweep(trialsFor([0.5]));
      await s.registerSweep(rec);
      const id = (await s.trialByNumber(rec.id, 0)).id;
      const layer = (name: string, kept: number): LayerResultRow => ({
        layer: name,
        layerIndex: 0,
        kind: 'conv',
        weightShape: '5x5x1x6',
        weights: 150,
        kept,
        sparsity: 1 - kept / 150,
        weightBits: 8,
        activationBits: 8,
        denseMacs: 1e5,
        storageBits: kept * 8,
      });
      await s.recordLayerResults(id, [layer('conv1', 100), layer('fc1', 10)]);
      await s.recordLayerResults(id, [layer('conv1', 75)]);
      expect((await inspect.layerResults(id)).sort((a, b) => a.layer.localeCompare(b.layer))).toEqual([
        { layer: 'conv1', kept: 75 },
        { layer: 'fc1', kept: 10 },
      ]);
      const sim = (hash: string, accelerator: string, cycles: number): SimulationRow => ({
        accelerator,
        hardwareHash: hash,
        hardware: { pes: 64 },
        totalCycles: cycles,
        totals: { cycles },
      });
      const simLayer = (cycles: number): LayerSimulationRow => ({ layer: 'conv1', layerIndex: 0, totalCycles: cycles, stats: {} });
      await s.recordSimulation(id, sim('hw1', 'kang-cx', 1000), [simLayer(1000)]);
      await s.recordSimulation(id, sim('hw1', 'kang-cx', 900), [simLayer(900)]);
      await s.recordSimulation(id, sim('hw2', 'zhu-array', 500), [simLayer(500)]);
      const sims = (await inspect.simulations(id)).sort((a, b) => a.accelerator.localeCompare(b.accelerator));
      expect(sims).toEqual([
        { accelerator: 'kang-cx', totalCycles: 900, layers: [{ layer: 'conv1', totalCycles: 900 }] },
        { accelerator: 'zhu-array', totalCycles: 500, layers: [{ layer: 'conv1', totalCycles: 500 }] },
      ]);
    });

    it('recordEpoch upserts on (owner, phase, epoch), counts recomputations in runs and stores the checkpoint with it', async () => {
      const { store: s, inspect } = setup();
      const owner = `contract-owner-${randomUUID()}`;
      const m = { ownerId: owner, phase: 'retrain', attempt: 1, epoch: 0, lr: 0.1, loss: 1, accuracy: 0.5, durationMs: 10 };
      const ckpt = (b: number) => ({ id: `ckpt/${owner}/retrain`, kind: 'checkpoint', ownerId: owner, bytes: new Uint8Array([b, b, b]) });
      await s.recordEpoch(m, ckpt(1));
      await s.recordEpoch({ ...m, epoch: 1, loss: Number.NaN }, ckpt(2));
      await s.recordEpoch({ ...m, attempt: 2, loss: 0.9 }, ckpt(3));
      expect((await inspect.epochs(owner)).sort((a, b) => a.epoch - b.epoch)).toEqual([
        { phase: 'retrain', epoch: 0, loss: 0.9, attempt: 2, runs: 2 },
        { phase: 'retrain', epoch: 1, loss: null, attempt: 1, runs: 1 },
      ]);
      expect(await s.getArtifact(`ckpt/${owner}/retrain`)).toEqual(new Uint8Array([3, 3, 3]));
    });

    it('artifacts round-trip exactly, upsert on their id, refuse a corrupt read and delete by id', async () => {
      const { store: s, inspect } = setup();
      const id = `contract-artifact-${randomUUID()}`;
      expect(await s.getArtifact(id)).toBeUndefined();
      const bytes = new Uint8Array([0, 255, 7, 128]);
      const ref = await s.putArtifact({ id, kind: 'weights', ownerId: 'o', bytes });
      // sha256 of the bytes 00 ff 07 80, computed independently with `printf '\x00\xff\x07\x80' | sha256sum`.
      expect(ref).toEqual({ id, sha256: 'd9a7ace546280ba53c4bcfb76d32a7fb49d96230e3d1bc2d24fda70caa636d0b', sizeBytes: 4 });
      expect(await s.getArtifact(id)).toEqual(bytes);
      await s.putArtifact({ id, kind: 'weights', ownerId: 'o', bytes: new Uint8Array([9]) });
      expect(await s.getArtifact(id)).toEqual(new Uint8Array([9]));
      await inspect.corruptArtifact(id);
      await expect(s.getArtifact(id)).rejects.toMatchObject({ code: 'ARTIFACT_INVALID' });
      expect(await s.deleteArtifacts([id, `${id}-absent`])).toBe(1);
      expect(await s.getArtifact(id)).toBeUndefined();
    });

    it('finishTrial keeps each run in the attempt history; requeueTrials reopens FAILED and CANCELLED, never COMPLETED', async () => {
      const { store: s, inspect } = setup();
      const rec = sweep(trialsFor([0.25, 0.5, 0.75]));
      await s.registerSweep(rec);
      const [done, failed, cancelled] = await Promise.all([0, 1, 2].map((n) => s.trialByNumber(rec.id, n)));
      for (const t of [done!, failed!, cancelled!]) await s.startTrial(t.id);
      await s.finishTrial(done!.id, { status: 'COMPLETED' });
      await s.recordTrialPhase(failed!.id, 'compress');
      await s.finishTrial(failed!.id, { status: 'FAILED', error: 'shape boom', errorType: 'SHAPE_MISMATCH' });
      await s.finishTrial(cancelled!.id, { status: 'CANCELLED' });
      expect(await s.requeueTrials(rec.id, ['FAILED', 'CANCELLED'])).toBe(2);
      expect(await s.trialCounts(rec.id)).toMatchObject({ COMPLETED: 1, PENDING: 2, FAILED: 0, CANCELLED: 0 });
      expect(await s.pendingTrials(rec.id, -1, 10)).toEqual([1, 2]);
      // The new run is attempt 2; the failed run stays in the history with its error and the phase it failed in.
      expect(await s.startTrial(failed!.id)).toEqual({ run: true, attempt: 2 });
      expect((await s.trial(failed!.id)).status).toBe('RUNNING');
      await s.finishTrial(failed!.id, { status: 'COMPLETED' });
      expect(await inspect.attempts(failed!.id)).toEqual([
        { attempt: 1, status: 'FAILED', phase: 'compress', error: 'shape boom', errorType: 'SHAPE_MISMATCH' },
        { attempt: 2, status: 'COMPLETED', phase: 'done', error: null, errorType: null },
      ]);
      expect(await inspect.attempts(done!.id)).toEqual([{ attempt: 1, status: 'COMPLETED', phase: 'done', error: null, errorType: null }]);
      expect(await s.requeueTrials(rec.id, ['FAILED', 'CANCELLED', 'RUNNING'])).toBe(0);
    });

    it('requeueTrials of an interrupted RUNNING trial records that run as cancelled-interrupted', async () => {
      const { store: s, inspect } = setup();
      const rec = sweep(trialsFor([0.5]));
      await s.registerSweep(rec);
      const t = await s.trialByNumber(rec.id, 0);
      await s.startTrial(t.id);
      await s.recordTrialPhase(t.id, 'retrain');
      expect(await s.requeueTrials(rec.id, ['RUNNING'])).toBe(1);
      expect((await s.trial(t.id)).status).toBe('PENDING');
      expect(await inspect.attempts(t.id)).toEqual([
        { attempt: 1, status: 'CANCELLED', phase: 'retrain', error: expect.stringMatching(/^interrupted/), errorType: 'INTERRUPTED' },
      ]);
    });

    it('pendingTrials pages PENDING trial numbers in ascending order after a cursor', async () => {
      const s = store();
      const rec = sweep(trialsFor([0.1, 0.2, 0.3, 0.4, 0.5]));
      await s.registerSweep(rec);
      await s.startTrial((await s.trialByNumber(rec.id, 1)).id);
      expect(await s.pendingTrials(rec.id, -1, 2)).toEqual([0, 2]);
      expect(await s.pendingTrials(rec.id, 2, 2)).toEqual([3, 4]);
      expect(await s.pendingTrials(rec.id, 4, 2)).toEqual([]);
    });

    it('stages are shared by key: planStages creates each once, links every trial, and says which results may serve it', async () => {
      const s = store();
      const { a, b, id } = await twoSweepsOfOneTrial(s);
      const key = `stage-${randomUUID()}`;
      const need = { kind: 'compressed' as const, key, inputs: { bits: 8 } };
      const [pa] = await s.planStages(id(a), { sweepId: a.id, reuse: true }, [need]);
      expect(pa).toMatchObject({ key, kind: 'compressed', status: 'pending', usable: false, computedBy: null });
      expect(await s.claimStage(key, { trialId: id(a), sweepId: a.id, reuse: true })).toBe('claimed');
      await s.completeStage(key, { accuracy: 0.8 });
      // Completed once: a later claim has nothing to do, and completing or failing it again changes nothing.
      expect(await s.claimStage(key, { trialId: id(a), sweepId: a.id, reuse: false })).toBe('done');
      await s.failStages([key], 'failed', 'late');
      await s.completeStage(key, { accuracy: 0.1 });
      expect(await s.stageStates([key])).toEqual([expect.objectContaining({ status: 'completed', computedBy: id(a), sweepId: a.id, error: null })]);
      // Another sweep: usable with reuse, not without (then a claim recomputes it from nothing).
      expect((await s.planStages(id(b), { sweepId: b.id, reuse: true }, [need]))[0]!.usable).toBe(true);
      expect((await s.planStages(id(b), { sweepId: b.id, reuse: false }, [need]))[0]!.usable).toBe(false);
      expect(await s.claimStage(key, { trialId: id(b), sweepId: b.id, reuse: false })).toBe('reset');
      expect(await s.stageStates([key])).toEqual([expect.objectContaining({ status: 'running', computedBy: id(b), sweepId: b.id })]);
    });

    it('a retrained stage stopped early is partial and resumable; a resumed stage keeps its first computer', async () => {
      const s = store();
      const trials = trialsFor([0.25, 0.5]);
      const rec = sweep(trials);
      await s.registerSweep(rec);
      const [t0, t1] = [`${rec.id}/${trials[0]!.configHash}`, `${rec.id}/${trials[1]!.configHash}`];
      const key = `stage-${randomUUID()}`;
      await s.planStages(t0, { sweepId: rec.id, reuse: true }, [{ kind: 'retrained', key, inputs: {} }]);
      await s.claimStage(key, { trialId: t0, sweepId: rec.id, reuse: true });
      await s.recordStageProgress(key, { result: { prunedAccuracy: 0.6 } });
      await s.recordStageProgress(key, { epochsDone: 3, status: 'partial' });
      expect(await s.stageStates([key])).toEqual([expect.objectContaining({ status: 'partial', epochsDone: 3 })]);
      await s.failStages([key], 'cancelled', null);
      expect(await s.claimStage(key, { trialId: t1, sweepId: rec.id, reuse: true })).toBe('claimed');
      await s.completeStage(key, { retrainedAccuracy: 0.7 }, 9);
      expect(await s.stageStates([key])).toEqual([expect.objectContaining({ status: 'completed', epochsDone: 9, computedBy: t0 })]);
    });

    it('stageSavings: a sweep that resumes a retrained stage another stopped early counts it computed, with the epochs it ran', async () => {
      const s = store();
      const { a, b, id } = await twoSweepsOfOneTrial(s);
      const key = `r-${randomUUID()}`;
      const epoch = (n: number) => ({ ownerId: key, phase: 'retrain', attempt: 1, epoch: n, lr: 0.01, loss: 1, accuracy: 0.5, durationMs: 1 });
      // a retrains 1 epoch and is stopped there (PRUNED at epoch 1).
      await s.startTrial(id(a));
      await s.planStages(id(a), { sweepId: a.id, reuse: true }, [{ kind: 'retrained', key, inputs: {} }]);
      await s.claimStage(key, { trialId: id(a), sweepId: a.id, reuse: true });
      await s.recordEpoch(epoch(0));
      await s.recordStageProgress(key, { epochsDone: 1, status: 'partial' });
      await s.finishTrial(id(a), { status: 'PRUNED', phase: 'retrain', stoppedEpoch: 1, stoppedRung: 0 });
      // b resumes it to 3 epochs: 2 run, 1 reused; the stage keeps a's trial as its first computer.
      await s.startTrial(id(b));
      await s.planStages(id(b), { sweepId: b.id, reuse: true }, [{ kind: 'retrained', key, inputs: {} }]);
      expect(await s.claimStage(key, { trialId: id(b), sweepId: b.id, reuse: true })).toBe('claimed');
      for (const n of [1, 2]) await s.recordEpoch(epoch(n));
      await s.completeStage(key, { retrainedAccuracy: 0.8 }, 3);
      await s.adoptStages(id(b), { keys: [key], finish: { status: 'COMPLETED' } });
      expect(await s.stageStates([key])).toEqual([expect.objectContaining({ computedBy: id(a), epochsDone: 3 })]);
      expect(await s.stageSavings(a.id)).toEqual([{ kind: 'retrained', computed: 1, reused: 0, epochsComputed: 1, epochsReused: 0 }]);
      expect(await s.stageSavings(b.id)).toEqual([{ kind: 'retrained', computed: 1, reused: 0, epochsComputed: 2, epochsReused: 1 }]);
    });

    it('adoptStages copies stage results onto a trial under its accelerator names, settles who computed them, and finishes it', async () => {
      const { store: s, inspect } = setup();
      const { a, b, id } = await twoSweepsOfOneTrial(s);
      const k = randomUUID();
      const needs = (acc: string) => [
        { kind: 'retrained' as const, key: `r-${k}`, inputs: {} },
        { kind: 'compressed' as const, key: `c-${k}`, inputs: {} },
        { kind: 'simulation' as const, key: `s-${k}`, inputs: {}, accelerator: acc },
      ];
      await s.startTrial(id(a));
      await s.planStages(id(a), { sweepId: a.id, reuse: true }, needs('kang-cx'));
      await expect(s.adoptStages(id(a), { keys: [`r-${k}`] })).rejects.toThrow(/is pending, not completed/);
      for (const n of needs('kang-cx')) await s.claimStage(n.key, { trialId: id(a), sweepId: a.id, reuse: true });
      await s.completeStage(`r-${k}`, { baselineAccuracy: 0.9, prunedAccuracy: 0.7, achievedRatio: 0.5, weightsKept: 50, weightsTotal: 100, retrainedAccuracy: 0.85 }, 1);
      const layer: LayerResultRow = { layer: 'conv1', layerIndex: 0, kind: 'conv', weightShape: '5x5x1x6', weights: 150, kept: 75, sparsity: 0.5, weightBits: 8, activationBits: 8, denseMacs: 1, storageBits: 600 };
      await s.completeStage(`c-${k}`, { accuracy: 0.81, accuracyDrop: 0.09, modelBytes: 75, compressionRatio: 7.5, layers: [layer] });
      const sim = { accelerator: 'whatever', hardwareHash: 'hw', hardware: {}, totalCycles: 10, totals: {}, speedup: 2 };
      await s.completeStage(`s-${k}`, { simulation: sim, layers: [{ layer: 'conv1', layerIndex: 0, totalCycles: 10, stats: {} }] });
      expect(await s.adoptStages(id(a), { keys: needs('').map((n) => n.key), finish: { status: 'COMPLETED' } })).toBe(true);
      expect(await s.trialResults(id(a))).toMatchObject({ accuracy: 0.81, retrainedAccuracy: 0.85, prunedAccuracy: 0.7, achievedRatio: 0.5, weightsKept: 50, compressionRatio: 7.5 });
      expect(await inspect.layerResults(id(a))).toEqual([{ layer: 'conv1', kept: 75 }]);
      expect(await inspect.simulations(id(a))).toEqual([{ accelerator: 'kang-cx', totalCycles: 10, layers: [{ layer: 'conv1', totalCycles: 10 }] }]);
      expect((await s.trial(id(a))).status).toBe('COMPLETED');
      // b names the same hardware differently and computed nothing: a copy, with b's name and reusedFrom.
      await s.startTrial(id(b));
      await s.planStages(id(b), { sweepId: b.id, reuse: true }, needs('my-cx'));
      await s.adoptStages(id(b), { keys: needs('').map((n) => n.key), finish: { status: 'COMPLETED', phase: 'reused', reusedFrom: id(a) } });
      expect(await inspect.simulations(id(b))).toEqual([{ accelerator: 'my-cx', totalCycles: 10, layers: [{ layer: 'conv1', totalCycles: 10 }] }]);
      expect(await s.trial(id(b))).toMatchObject({ status: 'COMPLETED', reusedFrom: id(a) });
      expect(await inspect.attempts(id(b))).toEqual([{ attempt: 1, status: 'COMPLETED', phase: 'reused', error: null, errorType: null }]);
      expect(await s.stageSavings(a.id)).toEqual([
        { kind: 'compressed', computed: 1, reused: 0, epochsComputed: 0, epochsReused: 0 },
        { kind: 'retrained', computed: 1, reused: 0, epochsComputed: 1, epochsReused: 0 },
        { kind: 'simulation', computed: 1, reused: 0, epochsComputed: 0, epochsReused: 0 },
      ]);
      expect((await s.stageSavings(b.id)).map((x) => [x.kind, x.computed, x.reused, x.epochsReused])).toEqual([
        ['compressed', 0, 1, 0],
        ['retrained', 0, 1, 1],
        ['simulation', 0, 1, 0],
      ]);
      // A finished trial is immutable: adopting again changes nothing.
      expect(await s.adoptStages(id(b), { keys: [`r-${k}`] })).toBe(false);
    });

    it('decideSearch serialises concurrent deciders: each sees every earlier event, and proposals can register trials', async () => {
      const s = store();
      const trials = trialsFor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
      const rec = sweep([]);
      await s.registerSweep(rec);
      const propose = (t: TrialConfig) =>
        s.decideSearch(rec.id, (log) => {
          const trial = log.filter((e) => e.event.kind === 'proposed').length;
          return { append: [{ event: { kind: 'proposed' as const, trial, candidate: trial, generation: null }, trialId: `${rec.id}/${t.configHash}`, register: t }], result: trial };
        });
      const numbers = await Promise.all(trials.map(propose));
      expect([...numbers].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const log = await s.searchLog(rec.id);
      expect(log.map((e) => [e.seq, e.event.trial])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, i]));
      // Each proposal registered its trial, numbered in the order of the log.
      for (const e of log) expect((await s.trial(e.trialId!)).number).toBe(e.event.trial);
      expect((await s.sweep(rec.id))?.trialCount).toBe(6);
      // An event is unique per kind/trial[/step]: appending a duplicate fails and changes nothing.
      await expect(
        s.decideSearch(rec.id, () => ({ append: [{ event: { kind: 'proposed' as const, trial: 0, candidate: 0, generation: null } }], result: 0 })),
      ).rejects.toThrow();
      expect(await s.searchLog(rec.id)).toHaveLength(6);
    });

    it('epochTimeEstimateMs prefers the owner own epochs, then its baseline, then comparable baselines', async () => {
      const s = store();
      const rec = sweep(trialsFor([0.5]));
      await s.registerSweep(rec);
      const t = await s.trialByNumber(rec.id, 0);
      const epoch = (ownerId: string, epoch: number, durationMs: number) =>
        s.recordEpoch({ ownerId, phase: 'p', attempt: 1, epoch, lr: 0.1, loss: 1, accuracy: 0.5, durationMs });
      // A comparable baseline (same model, width, dataset, data; another seed) measured 7 s epochs.
      const other = sweep(trialsFor([0.5]));
      await s.registerSweep(other);
      const otherKey = (await s.trialByNumber(other.id, 0)).baselineKey;
      expect(await s.epochTimeEstimateMs(t.id)).not.toBe(7000);
      await epoch(otherKey, 0, 7000);
      expect(await s.epochTimeEstimateMs(t.id)).toBeGreaterThanOrEqual(7000); // tier 3 (max over comparable ones)
      await epoch(t.baselineKey, 0, 2000);
      await epoch(t.baselineKey, 1, 3000);
      expect(await s.epochTimeEstimateMs(t.id)).toBe(3000); // tier 2: its baseline's longest epoch
      expect(await s.epochTimeEstimateMs(t.baselineKey)).toBe(3000); // a baseline's own epochs
      await epoch(t.id, 0, 1500);
      expect(await s.epochTimeEstimateMs(t.id)).toBe(1500); // tier 1: its own
      expect(await s.epochTimeEstimateMs(`contract-nobody-${randomUUID()}`)).toBeNull();
    });

    it('retention: a completed trial keeps its final artefacts only; a failed one keeps everything a retry resumes from', async () => {
      const s = store();
      const rec = sweep(trialsFor([0.25, 0.5]));
      await s.registerSweep(rec);
      const [done, failed] = [await s.trialByNumber(rec.id, 0), await s.trialByNumber(rec.id, 1)];
      const ids = (t: string) => ({
        transient: [artifactIds.checkpoint(t, 'retrain'), artifactIds.checkpoint(t, 'retrain-2'), artifactIds.weights(t, 'retrain-1'), artifactIds.masks(`${t}/retrain-1`), artifactIds.weights(t, 'inq-0')],
        final: [artifactIds.weights(t, 'retrained'), artifactIds.masks(t), artifactIds.simInput(t), artifactIds.exportBundle(t)],
      });
      const kind = (id: string) => (id.startsWith('ckpt/') ? 'checkpoint' : id.startsWith('weights/') ? 'weights' : id.startsWith('masks/') ? 'masks' : 'other');
      for (const t of [done, failed]) {
        await s.startTrial(t.id);
        for (const id of [...ids(t.id).transient, ...ids(t.id).final]) await s.putArtifact({ id, kind: kind(id), ownerId: t.id, bytes: new Uint8Array([1]) });
      }
      await s.finishTrial(done.id, { status: 'COMPLETED' });
      await s.finishTrial(failed.id, { status: 'FAILED', error: 'x' });
      const present = async (list: string[]) => Promise.all(list.map(async (id) => (await s.getArtifact(id)) !== undefined));
      expect(await present(ids(done.id).transient)).toEqual([false, false, false, false, false]);
      expect(await present(ids(done.id).final)).toEqual([true, true, true, true]);
      expect(await present([...ids(failed.id).transient, ...ids(failed.id).final])).toEqual(Array(9).fill(true));
    });

    it('a baseline goes PENDING -> RUNNING -> COMPLETED once; marking it failed afterwards changes nothing', async () => {
      const { s, sweepId } = await oneTrial();
      const key = (await s.trialByNumber(sweepId, 0)).baselineKey;
      expect((await s.baseline(key)).status).toBe('PENDING');
      await s.markBaselineRunning(key);
      expect((await s.baseline(key)).status).toBe('RUNNING');
      await s.putArtifact({ id: artifactIds.checkpoint(key, 'baseline'), kind: 'checkpoint', ownerId: key, bytes: new Uint8Array([1]) });
      await s.putArtifact({ id: artifactIds.weights(key, 'baseline'), kind: 'weights', ownerId: key, bytes: new Uint8Array([2]) });
      await s.completeBaseline(key, { accuracy: 0.9, loss: Number.NaN, epochs: 2, weightsTotal: 100, artifactId: `weights/${key}/baseline` });
      // Retention: the checkpoint goes with completion, the weights every trial loads stay.
      expect(await s.getArtifact(artifactIds.checkpoint(key, 'baseline'))).toBeUndefined();
      expect(await s.getArtifact(artifactIds.weights(key, 'baseline'))).toEqual(new Uint8Array([2]));
      await s.markBaselineFailed(key);
      await s.completeBaseline(key, { accuracy: 0.1, loss: 1, epochs: 2, weightsTotal: 100, artifactId: 'x' });
      expect(await s.baseline(key)).toMatchObject({ status: 'COMPLETED', accuracy: 0.9 });
    });
  });
}
