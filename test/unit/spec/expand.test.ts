import { describe, expect, it } from 'vitest';
import {
  baselineKey,
  canonicalJson,
  configHash,
  describeTrial,
  expandSpec,
  parseSpec,
  prunedPerGroup,
  sample,
  type TrialConfig,
} from '../../../src/spec/index.js';

const y = (...lines: string[]): string => lines.join('\n') + '\n';
const expand = (...lines: string[]) => expandSpec(parseSpec(y(...lines)));
const labels = (ts: readonly TrialConfig[]): string[] => ts.map(describeTrial);

const DEMO_LIKE = [
  'name: demo',
  'pruning: {methods: [magnitude, group-balanced], ratios: [0.5, 0.7, 0.9], groupSizes: [8]}',
  'quantization: {weightBits: [8, 4]}',
] as const;

const MIXED = [
  'name: mixed',
  'pruning: {methods: [none, magnitude, group-balanced], ratios: [0.5, 0.75], groupSizes: [4, 8]}',
  'quantization: {weightBits: [32, 8]}',
  'seeds: [0, 1]',
] as const;

describe('expandSpec counts and order', () => {
  it('expandSpec gives 2 methods x 3 ratios x 2 bit widths = 12 trials in loop order', () => {
    const { trials, rejected, notes } = expand(...DEMO_LIKE);
    expect(rejected).toEqual([]);
    expect(notes).toEqual([]);
    expect(labels(trials)).toMatchInlineSnapshot(`
      [
        "lenet5/fashion-mnist mag r=0.5 W8A32 s0",
        "lenet5/fashion-mnist mag r=0.5 W4A32 s0",
        "lenet5/fashion-mnist mag r=0.7 W8A32 s0",
        "lenet5/fashion-mnist mag r=0.7 W4A32 s0",
        "lenet5/fashion-mnist mag r=0.9 W8A32 s0",
        "lenet5/fashion-mnist mag r=0.9 W4A32 s0",
        "lenet5/fashion-mnist gbp r=0.5 g=8 W8A32 s0",
        "lenet5/fashion-mnist gbp r=0.5 g=8 W4A32 s0",
        "lenet5/fashion-mnist gbp r=0.7→0.75 g=8 W8A32 s0",
        "lenet5/fashion-mnist gbp r=0.7→0.75 g=8 W4A32 s0",
        "lenet5/fashion-mnist gbp r=0.9→0.875 g=8 W8A32 s0",
        "lenet5/fashion-mnist gbp r=0.9→0.875 g=8 W4A32 s0",
      ]
    `);
  });

  it('expandSpec collapses the axes a method ignores: none -> 1 per bits x seed, magnitude ignores group size', () => {
    const { trials, rejected } = expand(...MIXED);
    const count = (m: string): number => trials.filter((t) => t.method === m).length;
    expect(count('none')).toBe(2 * 2); // bits x seeds
    expect(count('magnitude')).toBe(2 * 2 * 2); // ratios x bits x seeds
    expect(count('group-balanced')).toBe(2 * 2 * 2 * 2); // ratios x groupSizes x bits x seeds
    expect(trials).toHaveLength(28);
    expect(rejected).toEqual([]);
    expect(new Set(trials.map((t) => t.configHash)).size).toBe(28);
  });

  it('expandSpec varies the last axis fastest: seeds inside bits inside ratios', () => {
    const { trials } = expand(
      'name: o',
      'pruning: {methods: [magnitude], ratios: [0.5, 0.7]}',
      'quantization: {weightBits: [8, 4]}',
      'seeds: [0, 1]',
    );
    expect(trials.map((t) => [t.pruneRatio, t.weightBits, t.seed])).toEqual([
      [0.5, 8, 0],
      [0.5, 8, 1],
      [0.5, 4, 0],
      [0.5, 4, 1],
      [0.7, 8, 0],
      [0.7, 8, 1],
      [0.7, 4, 0],
      [0.7, 4, 1],
    ]);
  });

  it('expandSpec crosses models, datasets, clusters and LR rules', () => {
    const { trials } = expand(
      'name: x',
      'models: [lenet5, {name: vgg, width: 0.5}]',
      'datasets: [mnist, synthetic]',
      'pruning: {methods: [kernel-row]}',
      'clustering: {weightClusters: [0, 16], activationClusters: [0, 8]}',
      'retraining: {lrRule: [A, B, constant]}',
    );
    expect(trials).toHaveLength(2 * 2 * 2 * 2 * 3);
  });

  it('expandSpec is deterministic: two expansions of the same text are equal', () => {
    expect(expand(...MIXED)).toEqual(expand(...MIXED));
  });

  it('expandSpec trials survive a JSON round trip unchanged', () => {
    const { trials } = expand(...MIXED);
    expect(JSON.parse(JSON.stringify(trials))).toEqual(trials);
  });
});

describe('expandSpec collapse rules', () => {
  it('a none trial has no pruning parameters and no retraining', () => {
    const t = expand(...MIXED).trials[0];
    expect(t).toMatchObject({
      method: 'none',
      pruneRatio: null,
      nominalRatio: 0,
      groupSize: null,
      groupShape: null,
      narrowConvs: null,
      partial: null,
      schedule: null,
      scheduleSteps: null,
      rowsKept: null,
      fcPolicy: null,
      fcRatio: null,
      retrain: null,
      threshold: null,
      rounding: null,
      calibrationSize: null,
      clusterInit: null,
    });
  });

  it('a magnitude trial keeps its ratio and drops group parameters', () => {
    const t = expand(...MIXED).trials.find((x) => x.method === 'magnitude');
    expect(t).toMatchObject({
      pruneRatio: 0.5,
      nominalRatio: 0.5,
      groupSize: null,
      groupShape: null,
      schedule: 'one-shot',
    });
    expect(t?.retrain).toEqual({ epochs: 1, optimizer: 'sgd', lr: 0.001, momentum: 0.9, lrRule: 'A', batchSize: 64 });
  });

  it('a group-balanced trial reports the achievable ratio p/g next to the requested one', () => {
    const { trials } = expand(...DEMO_LIKE);
    const gbp = trials.filter((t) => t.method === 'group-balanced' && t.weightBits === 8);
    expect(gbp.map((t) => [t.pruneRatio, t.groupSize, t.nominalRatio])).toEqual([
      [0.5, 8, 0.5],
      [0.7, 8, 0.75],
      [0.9, 8, 0.875],
    ]);
    expect(gbp[0]).toMatchObject({ groupShape: 'vector', partial: 'pad' });
  });

  it('prunedPerGroup follows METHODS AC-3: g=16 r=0.7 -> p=11; g=8 r=0.75 -> p=6; clamps to g-1', () => {
    expect(prunedPerGroup(0.7, 16)).toBe(11);
    expect(prunedPerGroup(0.75, 8)).toBe(6);
    expect(prunedPerGroup(0.99, 4)).toBe(3);
    expect(prunedPerGroup(0.125, 4)).toBe(1); // rna(0.5) = 1: half away from zero
  });

  it('block groups have no nominal ratio (it depends on the kernel size)', () => {
    const { trials } = expand(
      'name: b',
      'pruning: {methods: [group-balanced], groupShape: [vector, block], ratios: [0.7]}',
    );
    expect(trials.map((t) => [t.groupShape, t.nominalRatio])).toEqual([
      ['vector', 0.75],
      ['block', null],
    ]);
  });

  it('kernel-row keeps rowsKept and fcRatio and ignores ratios silently', () => {
    const { trials, rejected } = expand(
      'name: k',
      'pruning: {methods: [kernel-row, magnitude], ratios: [0.5, 0.7], rowsKept: [1, 2], fcRatio: 0.9}',
    );
    const krp = trials.filter((t) => t.method === 'kernel-row');
    expect(krp.map((t) => [t.pruneRatio, t.rowsKept, t.fcRatio, t.nominalRatio, t.groupSize])).toEqual([
      [null, 1, 0.9, null, null],
      [null, 2, 0.9, null, null],
    ]);
    expect(trials.filter((t) => t.method === 'magnitude').map((t) => t.rowsKept)).toEqual([null, null]);
    expect(rejected).toEqual([]);
  });

  it('threshold and rounding apply only to quantized trials; calibration only to quantized activations', () => {
    const { trials } = expand(
      'name: q',
      'quantization: {weightBits: [32, 8], activationBits: [32, 8], threshold: [kl, percentile], rounding: stochastic}',
    );
    expect(
      trials.map((t) => [t.weightBits, t.activationBits, t.threshold, t.percentile, t.rounding, t.calibrationSize]),
    ).toEqual([
      [32, 32, null, null, null, null],
      [32, 8, 'kl', null, 'stochastic', 500],
      [32, 8, 'percentile', 99.99, 'stochastic', 500],
      [8, 32, 'kl', null, 'stochastic', null],
      [8, 32, 'percentile', 99.99, 'stochastic', null],
      [8, 8, 'kl', null, 'stochastic', 500],
      [8, 8, 'percentile', 99.99, 'stochastic', 500],
    ]);
  });

  it('clusterInit applies only when something is clustered', () => {
    const { trials } = expand('name: c', 'clustering: {weightClusters: [0, 16], init: [linear, kmeans++]}');
    expect(trials.map((t) => [t.weightClusters, t.clusterInit])).toEqual([
      [0, null],
      [16, 'linear'],
      [16, 'kmeans++'],
    ]);
  });

  it('zero retraining epochs give retrain = null; the gradual schedule carries its step count', () => {
    const { trials } = expand(
      'name: r',
      'pruning: {methods: [magnitude], schedule: [one-shot, gradual], steps: 4}',
      'retraining: {epochs: 0}',
    );
    expect(trials.map((t) => [t.schedule, t.scheduleSteps, t.retrain])).toEqual([
      ['one-shot', null, null],
      ['gradual', 4, null],
    ]);
  });

  it('data.path reaches cifar10 trials only', () => {
    const { trials } = expand('name: d', 'datasets: [cifar10, mnist]', 'data: {path: /data/cifar, trainSubset: 100}');
    expect(trials.map((t) => t.data)).toEqual([
      { trainSubset: 100, testSubset: null, path: '/data/cifar' },
      { trainSubset: 100, testSubset: null, path: null },
    ]);
  });

  it('trials share one deep-frozen baseline recipe and accelerator list', () => {
    const { trials } = expand(...MIXED);
    const [a, b] = trials;
    expect(a?.baseline).toBe(b?.baseline);
    expect(Object.isFrozen(a?.baseline)).toBe(true);
    expect(Object.isFrozen(a?.baseline.schedule)).toBe(true);
    expect(Object.isFrozen(a?.accelerators)).toBe(true);
    expect(() => (a?.accelerators as unknown[]).push('x')).toThrow(TypeError);
  });

  it('every trial carries every accelerator (accelerators are not an axis)', () => {
    const { trials } = expand('name: a', 'accelerators: [kang-cx, {base: zhu-array, p: 32}]', 'seeds: [0, 1]');
    expect(trials).toHaveLength(2);
    for (const t of trials) expect(t.accelerators).toEqual(['kang-cx', { base: 'zhu-array', p: 32 }]);
  });
});

describe('expandSpec rejection rules', () => {
  it('kernel-row under several group sizes is reported once per extra group size', () => {
    const { trials, rejected } = expand(
      'name: k',
      'pruning: {methods: [group-balanced, kernel-row], ratios: [0.5, 0.6], groupSizes: [4, 8]}',
    );
    expect(labels(trials)).toMatchInlineSnapshot(`
      [
        "lenet5/fashion-mnist gbp r=0.5 g=4 fp32 s0",
        "lenet5/fashion-mnist gbp r=0.5 g=8 fp32 s0",
        "lenet5/fashion-mnist gbp r=0.6→0.625 g=8 fp32 s0",
        "lenet5/fashion-mnist krp rows=1 fc=0.75 fp32 s0",
      ]
    `);
    expect(rejected.map((r) => r.reason)).toMatchInlineSnapshot(`
      [
        "ratio 0.6 rounds to p/g = 2/4 like ratio 0.5: it would repeat trial lenet5/fashion-mnist gbp r=0.5 g=4 fp32 s0",
        "kernel-row takes no group size: groupSize = 8 would repeat trial lenet5/fashion-mnist krp rows=1 fc=0.75 fp32 s0",
      ]
    `);
    expect(rejected.map((r) => [r.config.method, r.config.pruneRatio, r.config.groupSize])).toEqual([
      ['group-balanced', 0.6, 4],
      ['kernel-row', null, 8],
    ]);
  });

  it('group-balanced that would prune nothing and cluster counts beyond the bit width are rejected', () => {
    const { trials, rejected } = expand(
      'name: rej',
      'pruning: {methods: [group-balanced], ratios: [0.1, 0.5], groupSizes: [4]}',
      'quantization: {weightBits: [4]}',
      'clustering: {weightClusters: [0, 8, 16]}',
    );
    expect(labels(trials)).toEqual([
      'lenet5/fashion-mnist gbp r=0.5 g=4 W4A32 s0',
      'lenet5/fashion-mnist gbp r=0.5 g=4 W4A32 Kw8 s0',
    ]);
    expect(rejected.map((r) => r.reason)).toMatchInlineSnapshot(`
      [
        "group-balanced with groupSize = 4 and ratio 0.1 prunes p = rna(0.1*4) = 0 weights per group: nothing would be pruned (use a larger ratio or groupSize)",
        "group-balanced with groupSize = 4 and ratio 0.1 prunes p = rna(0.1*4) = 0 weights per group: nothing would be pruned (use a larger ratio or groupSize)",
        "group-balanced with groupSize = 4 and ratio 0.1 prunes p = rna(0.1*4) = 0 weights per group: nothing would be pruned (use a larger ratio or groupSize)",
        "weightClusters = 16 is more than the 15 distinct non-zero values of 4-bit weights",
      ]
    `);
  });

  it('a grid point that repeats a rejected one is not reported a second time', () => {
    const { trials, rejected } = expand(
      'name: rr',
      'pruning: {methods: [group-balanced, kernel-row], ratios: [0.5], groupSizes: [4, 8]}',
      'quantization: {weightBits: [2, 8]}',
      'clustering: {weightClusters: [4]}',
    );
    // Only the 8-bit points run (a spec whose every point is rejected is refused by parseSpec).
    expect(trials.map((t) => [t.method, t.groupSize, t.weightBits])).toEqual([
      ['group-balanced', 4, 8],
      ['group-balanced', 8, 8],
      ['kernel-row', null, 8],
    ]);
    expect(rejected.map((r) => [r.config.method, r.config.groupSize, r.reason])).toEqual([
      ['group-balanced', 4, 'weightClusters = 4 is more than the 3 distinct non-zero values of 2-bit weights'],
      ['group-balanced', 8, 'weightClusters = 4 is more than the 3 distinct non-zero values of 2-bit weights'],
      ['kernel-row', null, 'weightClusters = 4 is more than the 3 distinct non-zero values of 2-bit weights'],
      // The 8-bit kernel-row point under g = 8 repeats a trial that runs, so it is reported; the 2-bit one is not.
      [
        'kernel-row',
        8,
        'kernel-row takes no group size: groupSize = 8 would repeat trial lenet5/fashion-mnist krp rows=1 fc=0.75 W8A32 Kw4 s0',
      ],
    ]);
  });

  it('a ratio of 0 is a valid control and is not rejected', () => {
    const { trials, rejected } = expand(
      'name: z',
      'pruning: {methods: [group-balanced], ratios: [0], groupSizes: [4]}',
    );
    expect(rejected).toEqual([]);
    expect(trials[0]).toMatchObject({ pruneRatio: 0, nominalRatio: 0 });
  });

  it('activation clusters beyond the activation bit width are rejected', () => {
    const { trials, rejected } = expand(
      'name: a',
      'quantization: {activationBits: [2, 8]}',
      'clustering: {activationClusters: [4]}',
    );
    expect(trials.map((t) => t.activationBits)).toEqual([8]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'activationClusters = 4 is more than the 3 distinct non-zero values of 2-bit activations',
    ]);
  });
});

describe('hashes', () => {
  it('canonicalJson sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
    expect(() => canonicalJson({ f: () => 1 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: canonicalJson: value = function is not JSON-serialisable]`,
    );
    expect(() => canonicalJson({ a: Number.NaN })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: canonicalJson: value = NaN is not a finite number]`,
    );
  });

  it('configHash of a fixed config is a golden value (changing it invalidates every stored trial)', () => {
    const t = expand(...DEMO_LIKE).trials[0];
    expect(t?.configHash).toMatchInlineSnapshot(`"fe05b33ac51d255a"`);
    expect(t?.baselineKey).toMatchInlineSnapshot(`"eff7b31d2d8c8094"`);
    expect(t?.configHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('configHash of a literal config is a golden value', () => {
    const params = {
      model: 'lenet5',
      width: 1,
      modelFile: null, // a zoo model: left out of the hash, which stays the Python reference's
      dataset: 'fashion-mnist',
      method: 'group-balanced',
      pruneRatio: 0.7,
      nominalRatio: 0.75,
      groupSize: 8,
      groupShape: 'vector',
      narrowConvs: 'skip',
      partial: 'pad',
      schedule: 'one-shot',
      scheduleSteps: null,
      rowsKept: null,
      fcPolicy: 'prune',
      fcRatio: null,
      weightBits: 8,
      // Fixed-point weights: the format fields are not hashed, so the golden value predates them.
      weightFormat: 'fixed',
      pow2SignBased: null,
      inq: null,
      activationBits: 8,
      threshold: 'kl',
      percentile: null,
      rounding: 'nearest',
      calibrationSize: 500,
      weightClusters: 0,
      activationClusters: 0,
      clusterInit: null,
      seed: 0,
      retrain: { epochs: 1, optimizer: 'sgd', lr: 0.001, momentum: 0.9, lrRule: 'A', batchSize: 64 },
      baseline: {
        epochs: 4,
        optimizer: 'sgd',
        lr: 0.05,
        momentum: 0.9,
        schedule: { type: 'step', milestones: [2, 3], gamma: 0.1 },
        batchSize: 64,
        weightDecay: 0.0005,
      },
      data: { trainSubset: 6000, testSubset: 1000, path: null },
      accelerators: ['kang-cx', 'zhu-array'],
    } as const satisfies Omit<TrialConfig, 'configHash' | 'baselineKey'>;
    // Independent reference: Python's json.dumps(p, sort_keys=True, separators=(',', ':')) -> sha256 -> [:16].
    const mutable = structuredClone(params) as unknown as Omit<TrialConfig, 'configHash' | 'baselineKey'>;
    expect(configHash(mutable)).toMatchInlineSnapshot(`"024294c9f649bc96"`);
    expect(baselineKey(mutable)).toMatchInlineSnapshot(`"25d18144c8375b2c"`);
  });

  it('configHash of a pow2 literal config hashes its weight-format fields (golden value)', () => {
    const params: Omit<TrialConfig, 'configHash' | 'baselineKey'> = {
      model: 'lenet5',
      modelFile: null,
      width: 1,
      dataset: 'fashion-mnist',
      method: 'kernel-row',
      pruneRatio: null,
      nominalRatio: null,
      groupSize: null,
      groupShape: null,
      narrowConvs: null,
      partial: null,
      schedule: 'one-shot',
      scheduleSteps: null,
      rowsKept: 1,
      fcPolicy: 'prune',
      fcRatio: 0.9,
      weightBits: 3,
      weightFormat: 'pow2',
      pow2SignBased: true,
      inq: { steps: [0.5, 0.75, 0.875, 1], epochsPerStep: 1, optimizer: 'sgd', lr: 0.001, momentum: 0.9, batchSize: 64 },
      activationBits: 32,
      threshold: null,
      percentile: null,
      rounding: null,
      calibrationSize: null,
      weightClusters: 0,
      activationClusters: 0,
      clusterInit: null,
      seed: 0,
      retrain: { epochs: 1, optimizer: 'sgd', lr: 0.001, momentum: 0.9, lrRule: 'A', batchSize: 64 },
      baseline: {
        epochs: 4,
        optimizer: 'sgd',
        lr: 0.05,
        momentum: 0.9,
        schedule: { type: 'step', milestones: [2, 3], gamma: 0.1 },
        batchSize: 64,
        weightDecay: 0.0005,
      },
      data: { trainSubset: 6000, testSubset: 1000, path: null },
      accelerators: ['kang-cx', 'zhu-array'],
    };
    // Independent reference: Python's json.dumps(p, sort_keys=True, separators=(',', ':')) -> sha256 -> [:16].
    expect(configHash(params)).toBe('7b1e0b0aecd8ad79');
    expect(configHash({ ...params, pow2SignBased: false })).not.toBe('7b1e0b0aecd8ad79');
  });

  it('configHash does not depend on key order or on data.path', () => {
    const t = expand(...DEMO_LIKE).trials[0];
    if (t === undefined) throw new Error('no trial');
    const { configHash: h, baselineKey: _b, ...params } = t;
    const reversed = Object.fromEntries(Object.entries(params).reverse()) as typeof params;
    expect(configHash(reversed)).toBe(h);
    expect(configHash({ ...params, data: { ...params.data, path: '/elsewhere' } })).toBe(h);
    expect(configHash({ ...params, seed: 1 })).not.toBe(h);
  });

  it('baselineKey is shared by trials of one (model, dataset, seed) and differs across seeds and recipes', () => {
    const { trials } = expand(...MIXED);
    const keysBySeed = new Map<number, Set<string>>();
    for (const t of trials) keysBySeed.set(t.seed, (keysBySeed.get(t.seed) ?? new Set()).add(t.baselineKey));
    expect([...keysBySeed.values()].map((s) => s.size)).toEqual([1, 1]);
    expect(keysBySeed.get(0)).not.toEqual(keysBySeed.get(1));
    const other = expand(...MIXED, 'baseline: {epochs: 5}').trials[0];
    expect(other?.baselineKey).not.toBe(trials[0]?.baselineKey);
    const t0 = trials[0];
    if (t0 === undefined) throw new Error('no trial');
    expect(baselineKey({ ...t0, data: { ...t0.data, path: '/x' } })).toBe(t0.baselineKey);
  });
});

describe('random strategy', () => {
  const grid = expand(...MIXED).trials;
  const hashes = new Set(grid.map((t) => t.configHash));
  const random = (n: number, seed: number) => expand(...MIXED, `strategy: {type: random, n: ${n}, seed: ${seed}}`);

  it('random n=5 samples 5 distinct trials of the grid', () => {
    const { trials, notes } = random(5, 7);
    expect(trials).toHaveLength(5);
    expect(new Set(trials.map((t) => t.configHash)).size).toBe(5);
    for (const t of trials) expect(hashes.has(t.configHash)).toBe(true);
    expect(notes).toEqual([]);
  });

  it('random sampling is fixed by its seed and changes with it', () => {
    const a = random(5, 7).trials.map((t) => t.configHash);
    expect(random(5, 7).trials.map((t) => t.configHash)).toEqual(a);
    expect(random(5, 8).trials.map((t) => t.configHash)).not.toEqual(a);
  });

  it('a larger n extends the sample of a smaller n with the same seed', () => {
    const small = random(5, 3).trials.map((t) => t.configHash);
    const large = random(12, 3).trials.map((t) => t.configHash);
    expect(large.slice(0, 5)).toEqual(small);
  });

  it('n beyond the grid runs every trial once, with a note', () => {
    const { trials, notes } = random(100, 1);
    expect(trials).toHaveLength(28);
    expect(new Set(trials.map((t) => t.configHash))).toEqual(hashes);
    expect(notes).toMatchInlineSnapshot(`
      [
        "random strategy: n = 100 is not less than the 28 valid grid trials, so every trial runs (in random order)",
      ]
    `);
  });

  it('sample draws uniformly: each of 4 items is first about 1/4 of the time over 4000 seeds', () => {
    const firsts = [0, 0, 0, 0];
    for (let seed = 0; seed < 4000; seed++) {
      const f = sample([0, 1, 2, 3], 1, seed)[0] ?? -1;
      firsts[f] = (firsts[f] ?? 0) + 1;
    }
    // binomial(4000, 1/4): sd = 27.4; 5 sd = 137
    for (const c of firsts) expect(Math.abs(c - 1000)).toBeLessThan(137);
  });
});

describe('describeTrial', () => {
  it('describeTrial labels method parameters, bit widths, clusters and extras', () => {
    const { trials } = expand(
      'name: l',
      'models: [{name: vgg, width: 0.5}]',
      'pruning: {methods: [none, kernel-row, filter], ratios: [0.3], schedule: gradual}',
      'quantization: {weightBits: [4], activationBits: [8], threshold: max, rounding: stochastic}',
      'clustering: {weightClusters: [8], activationClusters: [8], init: kmeans++}',
      'retraining: {lrRule: B}',
      'seeds: [3]',
    );
    expect(labels(trials)).toMatchInlineSnapshot(`
      [
        "vgg×0.5/fashion-mnist dense W4A8 max SR Kw8 Ka8 kmeans++ s3",
        "vgg×0.5/fashion-mnist krp rows=1 fc=0.75 gradual×3 W4A8 max SR Kw8 Ka8 kmeans++ lr:B s3",
        "vgg×0.5/fashion-mnist filter r=0.3 gradual×3 W4A8 max SR Kw8 Ka8 kmeans++ lr:B s3",
      ]
    `);
  });
});
