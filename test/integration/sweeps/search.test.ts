import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategyOf } from '../../../activities/search.js';
import { sweepProgress } from '../../../src/cli/sweeps.js';
import { readLog, replayLog } from '../../../src/search/index.js';
import { createPrismaTrialStore } from '../../../src/store/prisma-store.js';
import { runCli } from '../../helpers/cli.js';
import { SweepHarness, tinySpec } from '../../helpers/sweep.js';

/**
 * Strategies in the sweep workflow, against the real services: the pruner stops trials at their rungs and the
 * adaptive sampler proposes trials from results, every decision a row of `search_events` that replays exactly.
 */
describe('strategies driven by the sweep workflow', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.close();
  });
  const store = () => createPrismaTrialStore(h.db);

  it('asha stops weak trials at their rungs: PRUNED with the epoch reached, nothing compressed, every decision replays', async () => {
    const spec = tinySpec({
      name: 'asha-it',
      seeds: [31],
      maxParallel: 1, // one order of reports: the test reads the decisions in it
      pruning: { methods: ['magnitude'], ratios: [0.3, 0.6, 0.8, 0.95] },
      retraining: { epochs: 3, optimizer: 'sgd', lrRule: 'A' },
      strategy: { type: 'grid', pruner: { type: 'asha', minResource: 1, reductionFactor: 2 } },
      accelerators: ['kang-cx'],
    });
    const { sweepId } = await h.launch(spec);
    const res = await h.result(sweepId);
    const trials = await h.db.trial.findMany({ where: { sweepId }, orderBy: { number: 'asc' }, include: { layers: true, simulations: true } });
    expect(res.total).toBe(4);
    expect(res.completed + res.pruned).toBe(4);
    expect(res.pruned).toBeGreaterThanOrEqual(1); // 95 % pruned after one epoch is no match for 30 %
    expect((await sweepProgress(h.ctx, sweepId)).pruned).toBe(res.pruned);

    const logged = await store().searchLog(sweepId);
    const log = logged.map((e) => e.event);
    const { pruner, sampler } = strategyOf(spec);
    expect(replayLog(log, sampler, pruner)).toEqual([]); // the same decisions, recomputed from the rows
    const digest = readLog(log);
    expect(digest.proposals.map((p) => p.candidate)).toEqual([0, 1, 2, 3]); // grid order
    for (const t of trials) {
      const trial = logged.find((e) => e.trialId === t.id && e.event.kind === 'proposed')!.event.trial;
      const reports = digest.reports.filter((r) => r.trial === trial);
      const end = digest.finished.get(trial)!;
      const epochs = await h.db.epochMetric.count({ where: { ownerId: (await h.db.trialStage.findFirstOrThrow({ where: { trialId: t.id, kind: 'retrained' } })).stageKey } });
      if (t.status === 'PRUNED') {
        const stop = reports.at(-1)!;
        expect(stop.stop).toBe(true);
        expect(end.state).toBe('stopped');
        expect(t.stoppedEpoch).toBe(stop.step);
        expect(t.stoppedRung).toBe(Math.max(...stop.rungs));
        expect(epochs).toBe(stop.step); // retrained only up to its rung
        expect([t.layers.length, t.simulations.length, t.accuracy]).toEqual([0, 0, null]);
      } else {
        expect(t.status).toBe('COMPLETED');
        expect(reports.map((r) => [r.step, r.stop])).toEqual([
          [1, false],
          [2, false],
        ]);
        expect(end).toMatchObject({ state: 'completed', values: { accuracy: t.accuracy } });
        expect(epochs).toBe(3);
        expect(t.simulations).toHaveLength(1);
      }
    }
  });

  it('nsga2 proposes each trial from the results so far: generation 0 at random, then children; the log replays', async () => {
    const spec = tinySpec({
      name: 'nsga-it',
      seeds: [32],
      maxParallel: 1, // generation 1 starts once generation 0 completed
      pruning: { methods: ['magnitude'], ratios: [0.25, 0.5, 0.75] },
      quantization: { weightBits: [8, 4], activationBits: [8], threshold: 'max', calibrationSize: 64 },
      strategy: { type: 'nsga2', n: 4, populationSize: 2, seed: 3, objectives: ['accuracy', 'speedup@kang-cx'], constraints: ['accuracyDrop <= 0.5'] },
      accelerators: ['kang-cx'],
    });
    const { sweepId } = await h.launch(spec);
    expect(await h.result(sweepId)).toMatchObject({ total: 4, completed: 4, failed: 0 });
    const trials = await h.db.trial.findMany({ where: { sweepId }, orderBy: { number: 'asc' }, include: { simulations: true } });
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3]); // registered as proposed, 4 of the 6 configurations
    expect(new Set(trials.map((t) => t.configHash)).size).toBe(4);
    const logged = await store().searchLog(sweepId);
    const log = logged.map((e) => e.event);
    const { sampler, space } = strategyOf(spec);
    expect(replayLog(log, sampler)).toEqual([]);
    const { proposals, finished } = readLog(log);
    expect(proposals.map((p) => p.generation)).toEqual([0, 0, 1, 1]);
    for (const p of proposals) {
      const t = trials.find((x) => x.id === logged.find((e) => e.event === p)!.trialId)!;
      expect(t.configHash).toBe(space.candidates[p.candidate]!.configHash);
      const values = finished.get(p.trial)!.values!;
      expect(values['accuracy']).toBe(t.accuracy);
      // The objective is the simulated speedup as the trial's simulation row holds it (tiny models at low
      // ratios can be slower than dense on kang-cx, so no bound on its value).
      expect(t.simulations).toHaveLength(1);
      expect(values['speedup@kang-cx']).toBe(t.simulations[0]!.speedup);
    }
    // W8 and W4 of one ratio share their retraining: fewer retrained stages than trials whenever nsga2 picked both.
    const retrained = new Set((await h.db.trialStage.findMany({ where: { trial: { sweepId }, kind: 'retrained' } })).map((x) => x.stageKey));
    expect(retrained.size).toBe(new Set(trials.map((t) => t.pruneRatio)).size);
  });

  it('gp proposes from Gaussian-process models of the results so far, 2 trials at a time; the log replays', async () => {
    const spec = tinySpec({
      name: 'gp-it',
      seeds: [33],
      maxParallel: 2, // later proposals are made while a trial runs (counted at its predicted values)
      pruning: { methods: ['magnitude'], ratios: [0.25, 0.5, 0.75] },
      quantization: { weightBits: [8, 4], activationBits: [8], threshold: 'max', calibrationSize: 64 },
      strategy: { type: 'gp', n: 5, startupTrials: 2, seed: 4, objectives: ['accuracy', 'speedup@kang-cx'], constraints: ['accuracyDrop <= 0.5'] },
      accelerators: ['kang-cx'],
    });
    const { sweepId } = await h.launch(spec);
    expect(await h.result(sweepId)).toMatchObject({ total: 5, completed: 5, failed: 0 });
    const trials = await h.db.trial.findMany({ where: { sweepId }, orderBy: { number: 'asc' }, include: { simulations: true } });
    expect(new Set(trials.map((t) => t.configHash)).size).toBe(5); // 5 of the 6 configurations, none twice
    const log = (await store().searchLog(sweepId)).map((e) => e.event);
    const { sampler } = strategyOf(spec);
    expect(replayLog(log, sampler)).toEqual([]);
    const { proposals, finished } = readLog(log);
    expect(proposals.map((p) => p.generation)).toEqual([null, null, null, null, null]);
    for (const [trial, f] of finished) {
      const t = trials.find((x) => x.number === trial)!;
      expect(f.state).toBe('completed');
      expect(f.values?.['accuracy']).toBe(t.accuracy);
      expect(f.values?.['speedup@kang-cx']).toBe(t.simulations[0]!.speedup);
    }
  });

  it('launch --dry-run prints the search plan, then orchestrates an adaptive sweep without training', async () => {
    const file = fileURLToPath(new URL('../../../examples/mo.yaml', import.meta.url));
    const env = { DATABASE_URL: h.settings.databaseUrl, TEMPORAL_ADDRESS: `127.0.0.1:${h.settings.ports.temporal}` };
    const r = await runCli(['launch', file, '--dry-run', '--json', '--id', `mo-dry-${Date.now()}`], { env });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { sweepId: string; started: boolean; plan: { trials: number }; search: { budget: number; first: { generation: number }[] } };
    expect(j).toMatchObject({ started: true, plan: { trials: 38 }, search: { budget: 38 } });
    expect(j.search.first).toHaveLength(10); // the whole first generation
    const res = await h.result(j.sweepId);
    // Dry runs have no results, so no generation completes: all 38 are first-generation proposals.
    expect(res).toMatchObject({ total: 38, completed: 38 });
    const { proposals } = readLog((await store().searchLog(j.sweepId)).map((e) => e.event));
    expect(proposals).toHaveLength(38);
    expect(proposals.every((p) => p.generation === 0)).toBe(true);
  });
});
