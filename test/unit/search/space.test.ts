import { describe, expect, it } from 'vitest';
import { buildSpace, nearestCandidate, ordinalOrder } from '../../../src/search/index.js';
import { Rng } from '../../../src/shared/rng.js';
import { canonicalJson, type TrialConfig } from '../../../src/spec/index.js';
import { example, spaceOf, spec } from './helpers.js';

describe('buildSpace', () => {
  it('buildSpace of examples/mo.yaml has the swept axes only; method determines groupSize, rowsKept and the rest', () => {
    const { trials, space } = spaceOf(example('mo'));
    expect(space.candidates.length).toBe(128);
    expect(space.axes.map((a) => `${a.name}:${a.values.join('|')}`)).toEqual([
      'method:"magnitude"|"group-balanced"|"kernel-row"|"filter"',
      'pruneRatio:0.25|0.5|0.625|0.75|0.875|null',
      'weightBits:8|6|4|3',
      'activationBits:8|4',
    ]);
    // Genes decode to the trial's own values, and byGenes finds the trial back.
    trials.forEach((t, i) => {
      const c = space.candidates[i];
      expect(c?.configHash).toBe(t.configHash);
      space.axes.forEach((a, k) => {
        expect(a.values[c?.genes[k] ?? -1]).toBe(canonicalJson((t as unknown as Record<string, unknown>)[a.name]));
      });
      expect(space.byGenes.get(c?.genes.join(',') ?? '')).toBe(i);
    });
  });

  it('buildSpace keeps the first of two fields that determine each other', () => {
    // With one ratio per method, pruneRatio and method determine each other: method (first) is kept.
    const { space } = spaceOf(
      spec({ pruning: { methods: ['none', 'magnitude'], ratios: [0.5] }, quantization: { weightBits: [8, 4] } }),
    );
    expect(space.axes.map((a) => a.name)).toEqual(['method', 'weightBits']);
  });

  it('buildSpace rejects trials that repeat a configHash', () => {
    const { trials } = spaceOf(example('demo'));
    expect(() => buildSpace([...trials, trials[0] as TrialConfig])).toThrow(
      /trial 12 \([0-9a-f]{16}\) repeats an earlier trial/,
    );
  });
});

describe('nearestCandidate', () => {
  const { space } = spaceOf(example('demo')); // method(2) x pruneRatio(3) x weightBits(2), all combinations valid
  const idx = (genes: number[]) => space.byGenes.get(genes.join(',')) as number;

  it('nearestCandidate returns the exact candidate when it is untaken', () => {
    expect(nearestCandidate(space, [1, 2, 0], new Set(), new Rng(1))).toBe(idx([1, 2, 0]));
  });

  it('nearestCandidate picks uniformly among the untaken candidates at the smallest Hamming distance', () => {
    const taken = new Set([idx([0, 0, 0])]);
    const atDistance1 = [idx([1, 0, 0]), idx([0, 1, 0]), idx([0, 2, 0]), idx([0, 0, 1])];
    const counts = new Map<number, number>();
    for (let seed = 0; seed < 400; seed++) {
      const c = nearestCandidate(space, [0, 0, 0], taken, new Rng(seed)) as number;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...atDistance1].sort((a, b) => a - b));
    for (const n of counts.values()) expect(n).toBeGreaterThan(60); // 100 expected each
  });

  it('nearestCandidate with axis orders counts the steps along an ordered axis: the far ratio drops out', () => {
    const orders = space.axes.map(ordinalOrder);
    expect(orders).toEqual([null, [0, 1, 2], [1, 0]]); // method categorical; ratios ascending; bits 8|4 -> 4 < 8
    const taken = new Set([idx([0, 0, 0])]);
    const seen = new Set<number>();
    for (let seed = 0; seed < 200; seed++)
      seen.add(nearestCandidate(space, [0, 0, 0], taken, new Rng(seed), orders) as number);
    // pruneRatio value 2 is two steps from value 0: no longer at the smallest distance (1).
    expect([...seen].sort((a, b) => a - b)).toEqual(
      [idx([1, 0, 0]), idx([0, 1, 0]), idx([0, 0, 1])].sort((a, b) => a - b),
    );
  });

  it('nearestCandidate returns undefined when every candidate is taken', () => {
    const all = new Set(space.candidates.map((_, i) => i));
    expect(nearestCandidate(space, [0, 0, 0], all, new Rng(1))).toBeUndefined();
  });
});

describe('ordinalOrder', () => {
  const axis = (...values: unknown[]) => ({ name: 'x', values: values.map((v) => canonicalJson(v)) });

  it('ordinalOrder sorts the numeric values of an axis, leaving null out (examples/mo.yaml)', () => {
    const { space } = spaceOf(example('mo'));
    // method | pruneRatio 0.25..0.875, null | weightBits 8|6|4|3 | activationBits 8|4
    expect(space.axes.map(ordinalOrder)).toEqual([null, [0, 1, 2, 3, 4], [3, 2, 1, 0], [1, 0]]);
  });

  it('ordinalOrder: an axis with a non-numeric value, or fewer than two numbers, is categorical', () => {
    expect(ordinalOrder(axis(4, 'a', 8))).toBeNull();
    expect(ordinalOrder(axis(null, 4))).toBeNull();
    expect(ordinalOrder(axis(0.5, null, 0.125, 2))).toEqual([2, 0, 3]);
  });
});
