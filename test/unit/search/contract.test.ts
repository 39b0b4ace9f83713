/**
 * The invariants of src/search/strategy.ts, checked for every registered sampler and pruner: a new strategy is
 * covered by adding its name to the lists below.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPruner,
  createSampler,
  driveSearch,
  pruners,
  readLog,
  replayLog,
  samplers,
  type PrunerName,
  type SamplerName,
  type SearchEvent,
} from '../../../src/search/index.js';
import { example, spaceOf, spec, toyEvaluation } from './helpers.js';

const mo = example('mo');
const { trials, space } = spaceOf(mo);
const EPOCHS = 9;

/** One validated configuration of every registered strategy (the spec schema fills the defaults). */
const SAMPLER_BLOCKS: Record<SamplerName, Record<string, unknown>> = {
  grid: { type: 'grid' },
  random: { type: 'random', n: 40, seed: 5 },
  nsga2: {
    type: 'nsga2',
    n: 40,
    seed: 5,
    populationSize: 8,
    objectives: ['accuracy', 'speedup@kang-cx', 'modelBytes'],
    constraints: ['accuracyDrop <= 0.2'],
  },
  gp: {
    type: 'gp',
    n: 30,
    seed: 5,
    startupTrials: 6,
    mcSamples: 32,
    objectives: ['accuracy', 'speedup@kang-cx', 'modelBytes'],
    constraints: ['accuracyDrop <= 0.2'],
  },
};
const PRUNER_BLOCKS: Record<PrunerName, Record<string, unknown>> = {
  asha: { type: 'asha' },
  median: { type: 'median', startupTrials: 2 },
};

const strategyOf = (block: Record<string, unknown>, pruner?: Record<string, unknown>) =>
  spec({
    strategy: pruner ? { ...block, pruner } : block,
    pruning: { methods: ['magnitude'] },
    retraining: { epochs: EPOCHS },
    accelerators: ['kang-cx'],
  }).strategy;

afterEach(() => vi.restoreAllMocks());

describe('every sampler keeps the contract', () => {
  it('the lists above name every registered sampler and pruner', () => {
    expect(Object.keys(SAMPLER_BLOCKS).sort()).toEqual(Object.keys(samplers).sort());
    expect(Object.keys(PRUNER_BLOCKS).sort()).toEqual(Object.keys(pruners).sort());
  });

  it.each(Object.keys(SAMPLER_BLOCKS) as SamplerName[])(
    '%s is pure given the log, draws no Math.random, proposes each candidate once within its budget, and replays',
    (name) => {
      const random = vi.spyOn(Math, 'random').mockImplementation(() => {
        throw new Error('Math.random called');
      });
      const sampler = createSampler(strategyOf(SAMPLER_BLOCKS[name]), space);
      const { log } = driveSearch(sampler, undefined, toyEvaluation(trials), { parallel: 3 });
      const proposals = readLog(log).proposals;
      expect(proposals.length).toBe(sampler.budget);
      expect(new Set(proposals.map((p) => p.candidate)).size).toBe(proposals.length);
      expect(proposals.every((p) => p.candidate >= 0 && p.candidate < space.candidates.length)).toBe(true);
      expect(sampler.propose(log)).toBeNull();
      // Pure: asking twice about the same prefix, or a fresh instance, gives the same answer.
      const prefix = log.slice(0, Math.floor(log.length / 2));
      const again = createSampler(strategyOf(SAMPLER_BLOCKS[name]), space);
      expect(sampler.propose(prefix)).toEqual(again.propose(prefix));
      expect(sampler.propose(prefix)).toEqual(sampler.propose(prefix));
      expect(replayLog(JSON.parse(JSON.stringify(log)) as SearchEvent[], again)).toEqual([]);
      expect(random).not.toHaveBeenCalled();
    },
  );
});

describe('every pruner keeps the contract', () => {
  it.each(Object.keys(PRUNER_BLOCKS) as PrunerName[])(
    '%s has ascending checkpoints inside the epochs, is pure, stops some trials, and replays',
    (name) => {
      const random = vi.spyOn(Math, 'random').mockImplementation(() => {
        throw new Error('Math.random called');
      });
      const strategy = strategyOf({ type: 'random', n: 40, seed: 2 }, PRUNER_BLOCKS[name]);
      const pruner = createPruner(strategy.pruner as NonNullable<typeof strategy.pruner>);
      const steps = pruner.checkpoints(EPOCHS);
      expect(steps.length).toBeGreaterThan(0);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(steps.every((s) => Number.isInteger(s) && s >= 1 && s < EPOCHS)).toBe(true);
      const sampler = createSampler(strategy, space);
      const r = driveSearch(sampler, pruner, toyEvaluation(trials, EPOCHS), { parallel: 4 });
      const stopped = r.log.filter((e) => e.kind === 'finished' && e.state === 'stopped').length;
      expect(stopped).toBeGreaterThan(0);
      expect(r.epochs).toBeLessThan(r.epochsWithoutStopping);
      const reports = readLog(r.log).reports;
      const last = reports[reports.length - 1];
      if (!last) throw new Error('no report');
      const before = r.log.slice(0, r.log.indexOf(last));
      const q = { trial: last.trial, step: last.step, value: last.value };
      expect(pruner.decide(before, q)).toEqual(pruner.decide(before, q));
      expect(replayLog(JSON.parse(JSON.stringify(r.log)) as SearchEvent[], sampler, pruner)).toEqual([]);
      expect(random).not.toHaveBeenCalled();
    },
  );

  it('replayLog reports a recorded decision that the pruner would not make', () => {
    const strategy = strategyOf({ type: 'grid' }, PRUNER_BLOCKS.asha);
    const pruner = createPruner(strategy.pruner as NonNullable<typeof strategy.pruner>);
    const log: SearchEvent[] = [
      { kind: 'proposed', trial: 0, candidate: 0, generation: null },
      { kind: 'reported', trial: 0, step: 1, value: 0.5, stop: true, rungs: [0] }, // the first trial always goes on
    ];
    expect(replayLog(log, createSampler(strategy, space), pruner)).toEqual([
      { seq: 1, trial: 0, recorded: { stop: true, rungs: [0] }, recomputed: { stop: false, rungs: [0] } },
    ]);
  });
});

describe('readLog', () => {
  it('readLog rejects logs that no orchestrator following the contract writes', () => {
    const p = (trial: number): SearchEvent => ({ kind: 'proposed', trial, candidate: trial, generation: null });
    const fin = (trial: number): SearchEvent => ({ kind: 'finished', trial, state: 'completed', values: null });
    const rep = (trial: number, stop = false): SearchEvent => ({
      kind: 'reported',
      trial,
      step: 1,
      value: 0.5,
      stop,
      rungs: [],
    });
    expect(() => readLog([p(1)])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: search log event 0: proposal for trial 1, expected trial 0]`,
    );
    expect(() => readLog([p(0), rep(1)])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: search log event 1: reported event for trial 1, which was not proposed]`,
    );
    expect(() => readLog([p(0), fin(0), fin(0)])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: search log event 2: finished event for trial 0 after it finished]`,
    );
    expect(() => readLog([p(0), rep(0, true), rep(0)])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: search log event 2: report for trial 0 after a report stopped it]`,
    );
  });
});
