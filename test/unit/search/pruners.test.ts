import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createPruner,
  replayLog,
  createSampler,
  buildSpace,
  type Pruner,
  type PrunerSpec,
  type SearchEvent,
} from '../../../src/search/index.js';
import { median } from '../../../src/search/pruners/median.js';
import { parseSpecObject } from '../../../src/spec/index.js';

/** Validated pruner options, as a spec would give them. */
function pruner(block: Record<string, unknown>): Pruner {
  const spec = parseSpecObject({
    name: 'p',
    pruning: { methods: ['magnitude'] },
    retraining: { epochs: 27 },
    strategy: { type: 'grid', pruner: block },
  });
  return createPruner(spec.strategy.pruner as PrunerSpec);
}

/** Feeds `steps` ([trial, step, value]) one by one, proposing trials as they first appear; returns the decisions. */
function feed(p: Pruner, steps: [number, number, number | null][], log: SearchEvent[] = []) {
  const out: { stop: boolean; rungs: number[] }[] = [];
  for (const [trial, step, value] of steps) {
    while (!log.some((e) => e.kind === 'proposed' && e.trial === trial)) {
      const next = log.filter((e) => e.kind === 'proposed').length;
      log.push({ kind: 'proposed', trial: next, candidate: next, generation: null });
    }
    const d = p.decide(log, { trial, step, value });
    log.push({ kind: 'reported', trial, step, value, ...d });
    out.push(d);
  }
  return out;
}

describe('asha', () => {
  it('asha checkpoints are the rung ends minResource * eta^(s + k) before the last epoch', () => {
    expect(pruner({ type: 'asha' }).checkpoints(27)).toEqual([1, 3, 9]);
    expect(pruner({ type: 'asha' }).checkpoints(9)).toEqual([1, 3]);
    expect(
      pruner({ type: 'asha', minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1 }).checkpoints(20),
    ).toEqual([4, 8, 16]);
    expect(pruner({ type: 'asha' }).checkpoints(1)).toEqual([]);
  });

  it('asha keeps the top 1/eta of each rung in arrival order (hand-computed, eta = 3)', () => {
    const d = feed(pruner({ type: 'asha', reductionFactor: 3 }), [
      [0, 1, 0.5], // rung 0: [0.5], n < eta: best of 1 -> go on
      [1, 1, 0.4], // [0.5, 0.4]: not the best -> stop
      [2, 1, 0.6], // n = 3: top floor(3/3) = 1 is 0.6 -> go on
      [3, 1, 0.55], // n = 4: top 1 is 0.6 -> stop
      [4, 1, 0.7], // n = 5: top 1 is 0.7 -> go on
      [5, 1, 0.65], // n = 6: top 2 are 0.7, 0.65 -> go on
      [0, 2, 0.3], // not a rung end: no decision
      [0, 3, 0.62], // rung 1: [0.62] -> go on
      [2, 3, 0.61], // rung 1: [0.62, 0.61] -> stop
      [4, 9, 0.8], // skipped reports: rung 1 [.., 0.8] best of 3 -> on; rung 2 [0.8] -> on
      [5, 3, null], // diverged -> stop, no rung recorded
    ]);
    expect(d).toEqual([
      { stop: false, rungs: [0] },
      { stop: true, rungs: [0] },
      { stop: false, rungs: [0] },
      { stop: true, rungs: [0] },
      { stop: false, rungs: [0] },
      { stop: false, rungs: [0] },
      { stop: false, rungs: [] },
      { stop: false, rungs: [1] },
      { stop: true, rungs: [1] },
      { stop: false, rungs: [1, 2] },
      { stop: true, rungs: [] },
    ]);
  });

  it('asha with minimize keeps the smallest values', () => {
    const d = feed(pruner({ type: 'asha', metric: 'valLoss' }), [
      [0, 1, 0.5],
      [1, 1, 0.4],
      [2, 1, 0.6],
    ]);
    expect(d.map((x) => x.stop)).toEqual([false, false, true]);
  });

  it('asha with bootstrapCount stops trials until more than bootstrapCount values reached the rung', () => {
    const d = feed(pruner({ type: 'asha', bootstrapCount: 2 }), [
      [0, 1, 0.9],
      [1, 1, 0.8],
      [2, 1, 0.95],
    ]);
    expect(d.map((x) => x.stop)).toEqual([true, true, false]);
  });
});

describe('median', () => {
  it('median is the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('median stops a trial whose best value is below the median of completed trials at that step (hand-computed)', () => {
    const p = pruner({ type: 'median', startupTrials: 2 });
    const log: SearchEvent[] = [];
    feed(
      p,
      [
        [0, 1, 0.5],
        [0, 2, 0.6],
      ],
      log,
    );
    log.push({ kind: 'finished', trial: 0, state: 'completed', values: null });
    // One completed trial: below startupTrials, nothing stops.
    expect(feed(p, [[1, 1, 0.1]], log)).toEqual([{ stop: false, rungs: [] }]);
    feed(p, [[1, 2, 0.8]], log);
    log.push({ kind: 'finished', trial: 1, state: 'completed', values: null });
    // Completed at step 1: 0.5, 0.1 -> median 0.3; at step 2: 0.6, 0.8 -> median 0.7.
    expect(feed(p, [[2, 1, 0.29]], log)).toEqual([{ stop: true, rungs: [] }]);
    expect(feed(p, [[3, 1, 0.65]], log)).toEqual([{ stop: false, rungs: [] }]);
    // Best so far of trial 3 is max(0.65, 0.62) = 0.65 < 0.7.
    expect(feed(p, [[3, 2, 0.62]], log)).toEqual([{ stop: true, rungs: [] }]);
    // A stopped trial is not "completed": it does not count toward the median.
    log.push({ kind: 'finished', trial: 3, state: 'stopped', values: null });
    expect(feed(p, [[4, 2, 0.69]], log)).toEqual([{ stop: true, rungs: [] }]);
  });

  it('median checkpoints start at warmupSteps and repeat every intervalSteps', () => {
    expect(pruner({ type: 'median', warmupSteps: 2, intervalSteps: 3 }).checkpoints(12)).toEqual([2, 5, 8, 11]);
    expect(pruner({ type: 'median' }).checkpoints(4)).toEqual([1, 2, 3]);
  });
});

interface Fixture {
  optuna: string;
  maxStep: number;
  cases: {
    name: string;
    direction: 'maximize' | 'minimize';
    events: (
      | { kind: 'start'; trial: number }
      | { kind: 'report'; trial: number; step: number; value: number; stop: boolean }
      | { kind: 'end'; trial: number; state: 'completed' | 'stopped'; value?: number }
    )[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/search/optuna-pruners.json', import.meta.url), 'utf8'),
) as Fixture;

/** The Optuna pruner of each fixture case, configured the same way here. */
const CONFIGS: Record<string, Record<string, unknown>> = {
  'asha eta=3 r=1 maximize': { type: 'asha', minResource: 1, reductionFactor: 3 },
  'asha eta=3 r=1 minimize': { type: 'asha', minResource: 1, reductionFactor: 3, metric: 'valLoss' },
  'asha eta=2 r=2 s=0 bootstrap=2': { type: 'asha', minResource: 2, reductionFactor: 2, bootstrapCount: 2 },
  'median startup=3 warmup=1 interval=2': { type: 'median', startupTrials: 3, warmupSteps: 1, intervalSteps: 2 },
  'median startup=2 minTrials=2 minimize': { type: 'median', startupTrials: 2, minTrials: 2, metric: 'valLoss' },
};

describe(`pruners against Optuna ${fixture.optuna} (test/fixtures/search/optuna-pruners.py)`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s makes the same decision at every report', (name, c) => {
    const p = pruner(CONFIGS[name] as Record<string, unknown>);
    expect(p.direction).toBe(c.direction);
    const log: SearchEvent[] = [];
    let reports = 0;
    let stops = 0;
    for (const e of c.events) {
      if (e.kind === 'start') log.push({ kind: 'proposed', trial: e.trial, candidate: e.trial, generation: null });
      else if (e.kind === 'end') log.push({ kind: 'finished', trial: e.trial, state: e.state, values: null });
      else {
        const d = p.decide(log, { trial: e.trial, step: e.step, value: e.value });
        expect({ trial: e.trial, step: e.step, stop: d.stop }).toEqual({ trial: e.trial, step: e.step, stop: e.stop });
        log.push({ kind: 'reported', trial: e.trial, step: e.step, value: e.value, ...d });
        reports++;
        if (d.stop) stops++;
      }
    }
    expect(reports).toBeGreaterThan(50);
    expect(stops).toBeGreaterThan(10);
    // The recorded log replays to the same decisions.
    const space = buildSpace(Array.from({ length: 27 }, (_, i) => ({ configHash: `h${i}`, x: i }) as never));
    expect(replayLog(log, createSampler({ type: 'grid' }, space), p)).toEqual([]);
  });
});
