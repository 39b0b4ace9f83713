import { describe, expect, it } from 'vitest';
import {
  createSampler,
  decisionRng,
  driveSearch,
  paretoFront,
  readLog,
  replayLog,
  score,
  type SearchEvent,
} from '../../../src/search/index.js';
import { cholesky, encodeSpace, fitHyper, gpPosterior, matern52, type GpHyper } from '../../../src/search/gp-model.js';
import { normalCdf, type GpOptions } from '../../../src/search/samplers/gp.js';
import { randomUntried } from '../../../src/search/space.js';
import { Rng } from '../../../src/shared/rng.js';
import { validateSpec } from '../../../src/spec/index.js';
import { example, spaceOf, spec, toyValues } from './helpers.js';

/** A · B for row-major square matrices. */
function matmul(a: Float64Array, b: Float64Array, n: number, transposeB = false): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++)
        out[i * n + j] =
          (out[i * n + j] as number) +
          (a[i * n + k] as number) * (transposeB ? (b[j * n + k] as number) : (b[k * n + j] as number));
  return out;
}

/** Naive inverse by Gauss–Jordan elimination with partial pivoting (the O(n³) reference). */
function inverse(a: Float64Array, n: number): Float64Array {
  const m = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => a[i * n + j] as number),
    ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  ]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    m[c] = m[c]!.map((v) => v / pivot);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      m[r] = m[r]!.map((v, j) => v - f * m[c]![j]!);
    }
  }
  return Float64Array.from(m.flatMap((row) => row.slice(n)));
}

/** A random symmetric positive-definite `[n, n]` matrix B Bᵀ + n I. */
function randomSpd(rng: Rng, n: number): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.next() * 2 - 1);
  const a = matmul(b, b, n, true);
  for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) + n;
  return a;
}

describe('gp linear algebra and posterior', () => {
  it('cholesky factors a random SPD matrix (L Lᵀ = A, L lower-triangular) and refuses an indefinite one', () => {
    const rng = new Rng(3);
    for (const n of [1, 4, 9]) {
      const a = randomSpd(rng, n);
      const l = cholesky(a, n);
      if (l === null) throw new Error('not factored');
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
      const back = matmul(l, l, n, true);
      back.forEach((v, k) => expect(v).toBeCloseTo(a[k] as number, 10));
    }
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });

  it('matern52 is 1 at distance 0 and (1 + √5 + 5/3) e^-√5 at squared distance 1', () => {
    expect(matern52(0)).toBe(1);
    expect(matern52(1)).toBeCloseTo((1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 12);
  });

  it('gpPosterior x=[0, 1] y=[1, 3] at 0.5 (hand-computed: by symmetry K⁻¹[1, 1] = [1, 1] / (1 + noise + c))', () => {
    const enc = { groups: [0] };
    const hyper: GpHyper = { ils: [1], scale: 1, noise: 0.01 };
    const post = gpPosterior([Float64Array.of(0), Float64Array.of(1)], [1, 3], hyper, enc);
    const c = matern52(1); // correlation of the two observations
    const k = matern52(0.25); // of each with the midpoint
    const { mean, variance } = post.predict(Float64Array.of(0.5));
    expect(mean).toBeCloseTo((k * (1 + 3)) / (1 + 0.01 + c), 12);
    expect(variance).toBeCloseTo(1 - (2 * k * k) / (1 + 0.01 + c), 12);
    // At an observation with little noise: close to its value, with little variance left.
    const at0 = gpPosterior([Float64Array.of(0), Float64Array.of(1)], [1, 3], { ...hyper, noise: 1e-9 }, enc).predict(
      Float64Array.of(0),
    );
    expect(at0.mean).toBeCloseTo(1, 6);
    expect(at0.variance).toBeCloseTo(0, 6);
  });

  it('gpPosterior matches the naive formulas k*ᵀK⁻¹y and s - k*ᵀK⁻¹k* on 12 random points with 3 lengthscales', () => {
    const rng = new Rng(11);
    const enc = { groups: [0, 0, 1, 2, 2] };
    const x = Array.from({ length: 12 }, () => Float64Array.from({ length: 5 }, () => rng.next()));
    const y = x.map(() => rng.normal());
    const hyper: GpHyper = { ils: [0.5, 4, 1.5], scale: 1.7, noise: 0.03 };
    const kernel = (a: Float64Array, b: Float64Array) => {
      let r2 = 0;
      enc.groups.forEach((g, f) => (r2 += (hyper.ils[g] as number) * ((a[f] as number) - (b[f] as number)) ** 2));
      return hyper.scale * matern52(r2);
    };
    const n = x.length;
    const kInv = inverse(
      Float64Array.from({ length: n * n }, (_, ij) => {
        const i = Math.floor(ij / n);
        const j = ij % n;
        return kernel(x[i]!, x[j]!) + (i === j ? hyper.noise : 0);
      }),
      n,
    );
    const post = gpPosterior(x, y, hyper, enc);
    for (let t = 0; t < 5; t++) {
      const p = Float64Array.from({ length: 5 }, () => rng.next());
      const ks = x.map((xi) => kernel(p, xi));
      const kInvK = ks.map((_, i) => ks.reduce((s, kj, j) => s + (kInv[i * n + j] as number) * kj, 0));
      const mean = kInvK.reduce((s, v, i) => s + v * (y[i] as number), 0);
      const variance = hyper.scale - kInvK.reduce((s, v, i) => s + v * (ks[i] as number), 0);
      const got = post.predict(p);
      expect(got.mean).toBeCloseTo(mean, 9);
      expect(got.variance).toBeCloseTo(variance, 9);
    }
  });

  it('fitHyper prefers a short lengthscale on the axis y varies along and a long one on the axis it ignores', () => {
    const enc = { groups: [0, 1], axes: 2 };
    const x: Float64Array[] = [];
    for (let i = 0; i < 6; i++) for (let j = 0; j < 3; j++) x.push(Float64Array.of(i / 5, j / 2));
    const y = x.map((p) => Math.sin(6 * (p[0] as number)));
    const h = fitHyper(x, y, enc);
    expect(h.ils[0]).toBeGreaterThan(h.ils[1] as number);
    expect(h.noise).toBeLessThan(h.scale);
  });

  it('normalCdf matches known values and keeps relative precision in the lower tail', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 7);
    expect(normalCdf(-8) / 6.22096057e-16).toBeCloseTo(1, 5);
  });
});

describe('gp encoding', () => {
  it('encodeSpace: ordered axes as positions in [0, 1] with a null flag, categorical axes one-hot', () => {
    const { trials, space } = spaceOf(example('mo'));
    expect(space.axes.map((a) => [a.name, a.values])).toEqual([
      ['method', ['"magnitude"', '"group-balanced"', '"kernel-row"', '"filter"']],
      ['pruneRatio', ['0.25', '0.5', '0.625', '0.75', '0.875', 'null']],
      ['weightBits', ['8', '6', '4', '3']],
      ['activationBits', ['8', '4']],
    ]);
    const enc = encodeSpace(space);
    expect(enc.groups).toEqual([0, 0, 0, 0, 1, 1, 2, 3]);
    const at = (method: string, ratio: number | null, wbits: number, abits: number) => [
      ...enc.x[
        trials.findIndex(
          (t) => t.method === method && t.pruneRatio === ratio && t.weightBits === wbits && t.activationBits === abits,
        )
      ]!,
    ];
    expect(at('magnitude', 0.25, 8, 8)).toEqual([1, 0, 0, 0, 0, 0, 1, 1]);
    expect(at('filter', 0.625, 4, 4)).toEqual([0, 0, 0, 1, 0.5, 0, 1 / 3, 0]);
    expect(at('kernel-row', null, 3, 8)).toEqual([0, 0, 1, 0, 0.5, 1, 0, 1]);
  });
});

const tiny = spec({
  pruning: { methods: ['magnitude'], ratios: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] },
  quantization: { weightBits: [8, 6, 4, 3, 2] },
  accelerators: ['kang-cx'],
  strategy: {
    type: 'gp',
    n: 45,
    startupTrials: 5,
    objectives: ['accuracy', 'modelBytes'],
    constraints: ['accuracyDrop <= 0.1'],
  },
});
const tinySpace = spaceOf(tiny);
const tinyValues = tinySpace.trials.map(toyValues);
if (tiny.strategy.type !== 'gp') throw new Error('expected gp');
const tinyGp = tiny.strategy;
const runTiny = (strategy: Parameters<typeof createSampler>[0], parallel = 2) =>
  driveSearch(createSampler(strategy, tinySpace.space), undefined, (c) => ({ curve: [], values: tinyValues[c]! }), {
    parallel,
  }).log;
const ranOf = (log: readonly SearchEvent[]) => readLog(log).proposals.map((p) => p.candidate);

describe('gp sampler', () => {
  it('gp finds the whole feasible front of a 45-candidate space in fewer trials than random, on average over 5 seeds', () => {
    const scored = tinyValues.map((v, i) => score(i, v, tinyGp.objectives, tinyGp.constraints));
    const front = new Set(
      paretoFront(
        scored.map((s) => s.point),
        scored.map((s) => s.penalty),
      ),
    );
    expect(front.size).toBe(13);
    const trialsToFront = (ran: number[]) => {
      let left = front.size;
      return ran.findIndex((c) => front.has(c) && --left === 0) + 1;
    };
    const seeds = [1, 2, 3, 4, 5];
    const gpMean = seeds.reduce((s, seed) => s + trialsToFront(ranOf(runTiny({ ...tinyGp, seed }))), 0) / seeds.length;
    const randomMean =
      seeds.reduce((s, seed) => s + trialsToFront(ranOf(runTiny({ type: 'random', n: 45, seed }))), 0) / seeds.length;
    expect(gpMean).toBeLessThan(randomMean - 5); // measured: 30.8 vs 42.6
  });

  it('gp replays its decisions, never repeats a candidate, and respects its budget with 3 trials in flight', () => {
    const strategy = { ...tinyGp, n: 16, seed: 4 };
    const log = runTiny(strategy, 3);
    const ran = ranOf(log);
    expect(ran.length).toBe(16);
    expect(new Set(ran).size).toBe(16);
    expect(readLog(log).proposals.every((p) => p.generation === null)).toBe(true);
    expect(
      replayLog(JSON.parse(JSON.stringify(log)) as SearchEvent[], createSampler(strategy, tinySpace.space)),
    ).toEqual([]);
  });

  it('gp picks random untried candidates until startupTrials completed (running and failed ones do not count)', () => {
    const sampler = createSampler({ ...tinyGp, seed: 2 }, tinySpace.space);
    const log: SearchEvent[] = [];
    for (let trial = 0; trial < 8; trial++) {
      const p = sampler.propose(log);
      const taken = new Set(ranOf(log));
      expect(p).toEqual({ candidate: randomUntried(45, taken, decisionRng(2, trial)), generation: null });
      log.push({ kind: 'proposed', trial, ...p! });
      // Trials 0-3 complete, 4-5 fail, 6-7 keep running: 4 < startupTrials = 5 completed, so still random.
      if (trial < 4) log.push({ kind: 'finished', trial, state: 'completed', values: tinyValues[p!.candidate]! });
      if (trial === 4 || trial === 5) log.push({ kind: 'finished', trial, state: 'failed', values: null });
    }
  });

  it('gp with no feasible trial yet proposes the candidate most likely to be feasible', () => {
    // Observed: only infeasible trials (accuracyDrop > 0.1: high ratios, few weight bits).
    const infeasible = tinySpace.trials.flatMap((t, i) =>
      score(i, tinyValues[i]!, [], tinyGp.constraints).penalty > 0 ? [i] : [],
    );
    expect(infeasible.length).toBeGreaterThanOrEqual(6);
    const log: SearchEvent[] = [];
    infeasible.slice(0, 6).forEach((candidate, trial) => {
      log.push({ kind: 'proposed', trial, candidate, generation: null });
      log.push({ kind: 'finished', trial, state: 'completed', values: tinyValues[candidate]! });
    });
    const p = createSampler({ ...tinyGp, startupTrials: 6 }, tinySpace.space).propose(log);
    expect(p).not.toBeNull();
    expect(score(6, tinyValues[p!.candidate]!, [], tinyGp.constraints).penalty).toBe(0);
  });

  it('gp throws naming the trial and key when a completed trial lacks an objective value', () => {
    const log: SearchEvent[] = [];
    for (let trial = 0; trial < 5; trial++) {
      log.push({ kind: 'proposed', trial, candidate: trial, generation: null });
      log.push({
        kind: 'finished',
        trial,
        state: 'completed',
        values: trial === 3 ? { accuracy: 0.8 } : tinyValues[trial]!,
      });
    }
    expect(() => createSampler(tinyGp, tinySpace.space).propose(log)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: trial 3 finished without a finite value for "modelBytes"]`,
    );
  });
});

describe('gp spec options', () => {
  const y = (...lines: string[]): string => lines.join('\n') + '\n';
  const issues = (...lines: string[]): string[] => {
    const r = validateSpec(y('name: s', 'accelerators: [kang-cx]', ...lines));
    return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it('gp fills its defaults (startupTrials 10, mcSamples 128, seed 0, no constraints)', () => {
    const s = spec({ accelerators: ['kang-cx'], strategy: { type: 'gp', n: 30, objectives: 'accuracy' } });
    const o = s.strategy as GpOptions & { type: string };
    expect([o.type, o.n, o.seed, o.startupTrials, o.mcSamples, o.constraints]).toEqual(['gp', 30, 0, 10, 128, []]);
    expect(o.objectives.map((x) => x.key)).toEqual(['accuracy']);
  });

  it('gp reports missing and bad options with their paths', () => {
    expect(issues('strategy: {type: gp}')).toEqual([
      'strategy.n: required by the gp strategy (number of trials to run)',
      'strategy.objectives: required by the gp strategy (e.g. [accuracy, speedup@kang-cx, modelBytes])',
    ]);
    expect(
      issues('strategy: {type: gp, n: 30, mcSamples: 0, objectives: [accuracy], constraints: "accuracyDrop <= 0.1"}'),
    ).toEqual(['strategy.mcSamples: 0 is not in [1, 4096]']);
    expect(
      issues('strategy: {type: gp, n: 10, objectives: [accuracy, modelBytes, compressionRatio, accuracyDrop]}'),
    ).toEqual([
      'strategy.startupTrials: 10 is not less than n = 10: every trial would be a random pick',
      'strategy.objectives: 4 objectives: gp scores by exact hypervolume, implemented for up to 3',
    ]);
    expect(issues('strategy: {type: gp, n: 20, objectives: [speedup@eyeriss], populationSize: 4}')).toEqual([
      'strategy.populationSize: only used by the nsga2 strategy',
    ]);
    expect(issues('strategy: {type: gp, n: 20, objectives: [speedup@eyeriss]}')).toEqual([
      'strategy.objectives[0]: accelerator "eyeriss" is not in accelerators (kang-cx)',
    ]);
  });
});
