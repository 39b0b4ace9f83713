import { describe, expect, it } from 'vitest';
import {
  createSampler,
  driveSearch,
  readLog,
  replayLog,
  type SamplerSpec,
  type SearchEvent,
  type SearchLog,
} from '../../../src/search/index.js';
import { mutateGene, parentPopulation, type Nsga2Options } from '../../../src/search/samplers/nsga2.js';
import { Rng } from '../../../src/shared/rng.js';
import { example, spaceOf, spec, toyEvaluation } from './helpers.js';

const mo = example('mo');
const { trials, space } = spaceOf(mo);
if (mo.strategy.type !== 'nsga2') throw new Error('examples/mo.yaml: expected nsga2');
const base = mo.strategy;
const nsga = (o: Partial<Nsga2Options> = {}) => createSampler({ ...base, ...o }, space);

/** nsga2 options validated by the spec schema. */
function options(block: Record<string, unknown>): Nsga2Options {
  const s = spec({ strategy: { type: 'nsga2', n: 30, ...block }, accelerators: ['kang-cx'] });
  if (s.strategy.type !== 'nsga2') throw new Error('expected nsga2');
  return s.strategy;
}

/** A log of trials with given generations and ends. */
function logOf(
  rows: [generation: number, state: 'completed' | 'failed' | 'running', values?: Record<string, number>][],
): SearchLog {
  const log: SearchEvent[] = rows.map(([generation], trial) => ({
    kind: 'proposed',
    trial,
    candidate: trial,
    generation,
  }));
  rows.forEach(([, state, values], trial) => {
    if (state !== 'running') log.push({ kind: 'finished', trial, state, values: values ?? null });
  });
  return log;
}

describe('nsga2', () => {
  it('nsga2 starts with distinct random candidates of generation 0, the same for the same seed', () => {
    const first = (seed: number) => {
      const s = nsga({ seed });
      const log: SearchEvent[] = [];
      for (let k = 0; k < base.populationSize; k++) {
        const p = s.propose(log);
        if (p === null) throw new Error('no proposal');
        log.push({ kind: 'proposed', trial: k, ...p });
      }
      return readLog(log).proposals.map((p) => [p.candidate, p.generation]);
    };
    const a = first(1);
    expect(a.every(([, g]) => g === 0)).toBe(true);
    expect(new Set(a.map(([c]) => c)).size).toBe(base.populationSize);
    expect(first(1)).toEqual(a);
    expect(first(2)).not.toEqual(a);
  });

  it('nsga2 parents: generation g counts once populationSize of its trials completed; failed and running ones do not', () => {
    const o = options({ populationSize: 3, objectives: ['accuracy', 'modelBytes'] });
    const v = (accuracy: number, modelBytes: number) => ({ accuracy, modelBytes });
    const partial = logOf([
      [0, 'completed', v(0.8, 100)],
      [0, 'completed', v(0.9, 200)],
      [0, 'failed'],
      [0, 'running'],
    ]);
    expect(parentPopulation(o, readLog(partial)).generation).toBe(-1);
    expect(nsga({ ...o, populationSize: 3 }).propose(partial)?.generation).toBe(0);
  });

  it('nsga2 parents are the elite by rank then crowding, generation after generation (hand-computed)', () => {
    const o = options({ populationSize: 2, objectives: ['accuracy', 'modelBytes'] });
    const v = (accuracy: number, modelBytes: number) => ({ accuracy, modelBytes });
    // Generation 0: trial 2 is dominated by trial 0 -> parents {0, 1}.
    const gen0 = logOf([
      [0, 'completed', v(0.8, 100)],
      [0, 'completed', v(0.9, 200)],
      [0, 'completed', v(0.7, 300)],
    ]);
    const p0 = parentPopulation(o, readLog(gen0));
    expect([p0.generation, p0.members.map((m) => m.trial)]).toEqual([0, [0, 1]]);
    // Generation 1: trial 3 dominates trial 1, trial 4 dominates trial 0 -> parents {3, 4}.
    const gen1 = logOf([
      [0, 'completed', v(0.8, 100)],
      [0, 'completed', v(0.9, 200)],
      [0, 'completed', v(0.7, 300)],
      [1, 'completed', v(0.95, 150)],
      [1, 'completed', v(0.85, 50)],
    ]);
    const p1 = parentPopulation(o, readLog(gen1));
    expect([p1.generation, p1.members.map((m) => m.trial).sort()]).toEqual([1, [3, 4]]);
    expect(nsga({ ...o }).propose(gen1)?.generation).toBe(2);
  });

  it('nsga2 parents prefer feasible trials to a dominating infeasible one', () => {
    const o = options({
      populationSize: 2,
      objectives: ['accuracy', 'modelBytes'],
      constraints: ['accuracyDrop <= 0.1'],
    });
    const v = (accuracy: number, modelBytes: number, accuracyDrop: number) => ({ accuracy, modelBytes, accuracyDrop });
    const log = logOf([
      [0, 'completed', v(0.99, 10, 0.2)],
      [0, 'completed', v(0.8, 100, 0.05)],
      [0, 'completed', v(0.7, 300, 0.08)],
    ]);
    expect(parentPopulation(o, readLog(log)).members.map((m) => m.trial)).toEqual([1, 2]);
  });

  it('nsga2 names the trial and the key when a completed trial lacks an objective value', () => {
    const o = options({ populationSize: 2, objectives: ['accuracy', 'modelBytes'] });
    const log = logOf([
      [0, 'completed', { accuracy: 0.8 }],
      [0, 'completed', { accuracy: 0.8, modelBytes: 3 }],
    ]);
    expect(() => parentPopulation(o, readLog(log))).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: trial 0 finished without a finite value for "modelBytes"]`,
    );
  });

  it('nsga2 without crossover or mutation proposes an untried candidate nearest to a parent (steps on ordered axes)', () => {
    const s = nsga({ crossoverProb: 0, mutationProb: 0, seed: 4 });
    const { log } = driveSearch(s, undefined, toyEvaluation(trials), { parallel: 2 });
    // Independent distance from the trials' own fields: an ordered field (numbers) counts the steps between
    // its two values among the axis's sorted distinct numbers; any other differing field (or null) counts 1.
    const fields = space.axes.map((a) => a.name);
    const field = (c: number, f: string): unknown => (trials[c] as unknown as Record<string, unknown>)[f];
    const sorted = fields.map((f) =>
      [...new Set(trials.map((_, c) => field(c, f)))].filter((v) => typeof v === 'number').sort((x, y) => x - y),
    );
    const distance = (a: number, b: number) =>
      fields.reduce((d, f, i) => {
        const [x, y] = [field(a, f), field(b, f)];
        if (x === y) return d;
        const steps = typeof x === 'number' && typeof y === 'number';
        return d + (steps ? Math.abs((sorted[i] as unknown[]).indexOf(x) - (sorted[i] as unknown[]).indexOf(y)) : 1);
      }, 0);
    let children = 0;
    log.forEach((e, seq) => {
      if (e.kind !== 'proposed' || e.generation === 0) return;
      const before = readLog(log.slice(0, seq));
      const taken = new Set(before.proposals.map((p) => p.candidate));
      const untried = trials.map((_, c) => c).filter((c) => !taken.has(c));
      const parents = parentPopulation(base, before).members;
      // Some parent has no untried candidate nearer than the proposal, and the proposal is no parent.
      const isNearest = parents.some(
        (p) => distance(p.candidate, e.candidate) === Math.min(...untried.map((c) => distance(p.candidate, c))),
      );
      expect(isNearest).toBe(true);
      expect(taken.has(e.candidate)).toBe(false);
      children++;
    });
    expect(children).toBe(base.n - base.populationSize);
  });

  it('nsga2 runs n distinct trials, replays its log, and its decisions survive a JSON round trip', () => {
    const run = (seed: number) => driveSearch(nsga({ seed }), undefined, toyEvaluation(trials), { parallel: 3 }).log;
    const log = run(7);
    const proposals = readLog(log).proposals;
    expect(proposals.length).toBe(base.n);
    expect(new Set(proposals.map((p) => p.candidate)).size).toBe(base.n);
    expect(Math.max(...proposals.map((p) => p.generation ?? 0))).toBeGreaterThanOrEqual(2);
    expect(run(7)).toEqual(log);
    const roundTrip = JSON.parse(JSON.stringify(log)) as SearchEvent[];
    expect(replayLog(roundTrip, nsga({ seed: 7 }))).toEqual([]);
    expect(replayLog(roundTrip, nsga({ seed: 8 })).length).toBeGreaterThan(0);
  });

  it('nsga2 mutation steps to a neighbouring value of an ordered axis and redraws a categorical one', () => {
    const draws = (g: number, m: number, order: number[] | null) =>
      new Set(Array.from({ length: 200 }, (_, seed) => mutateGene(g, m, order, new Rng(seed))));
    const bits = [3, 2, 1, 0]; // weightBits values 8|6|4|3 in ascending order: 3, 4, 6, 8
    expect([...draws(1, 4, bits)].sort()).toEqual([0, 2]); // 6 -> 4 or 8, never 3
    expect([...draws(3, 4, bits)]).toEqual([2]); // 3 (the lowest) -> 4 only
    expect([...draws(0, 4, bits)]).toEqual([1]); // 8 (the highest) -> 6 only
    expect([...draws(1, 4, null)].sort()).toEqual([0, 1, 2, 3]); // categorical: uniform over every value
    expect([...draws(5, 6, [0, 1, 2, 3, 4])].sort()).toEqual([0, 1, 2, 3, 4, 5]); // null on an ordered axis
  });

  it('nsga2 never re-proposes a configuration already in the log, even one a retry proposed twice', () => {
    for (let seed = 0; seed < 10; seed++) {
      const s = nsga({ seed, n: 128 });
      const { log } = driveSearch(nsga({ seed, n: 60 }), undefined, toyEvaluation(trials), { parallel: 3 });
      // `hwsweep retry` proposes a failed trial's candidate again under a new number: the log repeats it.
      const { candidate, generation } = readLog(log).proposals[5] as { candidate: number; generation: number | null };
      const withRetry: SearchEvent[] = [...log, { kind: 'proposed', trial: 60, candidate, generation }];
      const taken = new Set(readLog(withRetry).proposals.map((p) => p.candidate));
      const next = s.propose(withRetry);
      expect(next).not.toBeNull();
      expect(taken.has(next?.candidate ?? -1)).toBe(false);
    }
  });

  it('nsga2 with n as large as the space proposes every candidate once, then nothing', () => {
    const s = createSampler({ ...base, n: 500 } as SamplerSpec, space);
    expect(s.budget).toBe(128);
    const { log } = driveSearch(s, undefined, toyEvaluation(trials), { parallel: 4 });
    const proposals = readLog(log).proposals;
    expect(new Set(proposals.map((p) => p.candidate)).size).toBe(128);
    expect(s.propose(log)).toBeNull();
  });
});
