import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fakeQuantize,
  fromCodes,
  initialFl,
  planTensor,
  quantizationSse,
  quantizationSseMulti,
  quantizeCode,
  requantize,
  rna,
  searchFl,
  toCodes,
} from '../../../src/compress/quantize/index.js';
import { Rng } from '../../../src/shared/rng.js';

describe('rna (round half away from zero)', () => {
  it('rounds halves away from zero, unlike Math.round and banker rounding', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.4, 0.49].map(rna)).toEqual([-3, -2, -1, 1, 2, 3, -0, 0]);
    expect(Math.round(-2.5)).toBe(-2); // the trap this function avoids
  });
});

describe('AC-6 fixed-point position search', () => {
  const x = [0.7, -1.3, 2.6, 0.1];
  it('SSE per FL is 0.35 / 0.10 / 0.7375 / 3.06875 for FL = 0..3 with b = 4', () => {
    const sse = [0, 1, 2, 3].map((fl) => quantizationSse(x, { bits: 4, fl }));
    expect(sse[0]).toBeCloseTo(0.35, 12);
    expect(sse[1]).toBeCloseTo(0.1, 12);
    expect(sse[2]).toBeCloseTo(0.7375, 12);
    expect(sse[3]).toBeCloseTo(3.06875, 12);
  });
  it('FL0 = 3 - ceil(log2 2.6) = 1 and the search picks FL* = 1 (Q2.1)', () => {
    expect(initialFl(2.6, 4)).toBe(1);
    const r = searchFl(x, 4, 2.6, { radius: 2 });
    expect(r.fl).toBe(1);
    expect(r.candidates.map((c) => c.fl)).toEqual([-1, 0, 1, 2, 3]);
    expect(Array.from(fakeQuantize(x, { bits: 4, fl: 1 }))).toEqual([0.5, -1.5, 2.5, 0]);
    const plan = planTensor(Float32Array.from(x), { bits: 4, threshold: 'max', rounding: 'rna' }, 'weights');
    expect(plan.fl).toBe(1);
    expect(plan.fl0).toBe(1);
  });
  it('codes saturate to [-8, 7] at b = 4', () => {
    expect(Array.from(toCodes([100, -100, 3.4, -3.6], { bits: 4, fl: 0 }))).toEqual([7, -8, 3, -4]);
  });
  it('ties in SSE go to the larger FL', () => {
    // x = 0: every FL has SSE 0 -> the largest candidate wins
    expect(searchFl([0, 0], 8, 1, { radius: 2 }).fl).toBe(initialFl(1, 8) + 2);
  });
  it('FL0 at an exact power of two T spans T within one step', () => {
    expect(initialFl(4, 8)).toBe(5); // max code 127 * 2^-5 = 3.97 ~ 4 - one step
    expect(initialFl(0, 8)).toBe(7);
  });
});

describe('AC-7 stochastic rounding', () => {
  it('(a) eps = 1, x = 0.3, u_t = (t+0.5)/10: 3 ups, mean exactly 0.3', () => {
    let t = 0;
    const u = { next: () => (t++ + 0.5) / 10 };
    const out = Array.from({ length: 10 }, () => quantizeCode(0.3, { bits: 8, fl: 0 }, 'sr', u));
    expect(out.filter((q) => q === 1).length).toBe(3);
    expect(out.reduce((a, b) => a + b, 0) / 10).toBe(0.3);
  });
  it('(b) x = -1.25, eps = 0.5: outcomes -1.5 / -1.0 with probability 0.5 each', () => {
    expect(quantizeCode(-1.25, { bits: 8, fl: 1 }, 'sr', { next: () => 0.49 }) * 0.5).toBe(-1);
    expect(quantizeCode(-1.25, { bits: 8, fl: 1 }, 'sr', { next: () => 0.5 }) * 0.5).toBe(-1.5);
    const rng = new Rng(7);
    const v = fakeQuantize(new Float32Array(20_000).fill(-1.25), { bits: 8, fl: 1 }, { rounding: 'sr', rng });
    expect(new Set(v)).toEqual(new Set([-1.5, -1]));
    const up = v.filter((q) => q === -1).length / v.length;
    expect(Math.abs(up - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / v.length));
  });
  it('(c) 100 000 seeded draws of x = 0.3: |mean - 0.3| < 0.006 (4 sigma)', () => {
    const v = fakeQuantize(
      new Float32Array(100_000).fill(0.3),
      { bits: 8, fl: 0 },
      { rounding: 'sr', rng: new Rng(42) },
    );
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.006);
  });
  it('(d) saturation: x = 10 with b = 4, FL = 0 always gives 7 (documented bias)', () => {
    const codes = toCodes(new Float32Array(1000).fill(10), { bits: 4, fl: 0 }, { rounding: 'sr', rng: new Rng(3) });
    expect(codes.every((q) => q === 7)).toBe(true);
  });
  it('SR without an rng is rejected', () => {
    expect(() => toCodes([1], { bits: 8, fl: 0 }, { rounding: 'sr' })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: quantize: rng = undefined is not a seeded Rng when rounding = 'sr']`,
    );
  });
});

describe('properties (fast-check)', () => {
  it('SR is unbiased within 4 sigma for in-range values', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 1e9 }),
        (x, fl, seed) => {
          const n = 4000;
          const eps = 2 ** -fl;
          const v = fakeQuantize(new Float64Array(n).fill(x), { bits: 12, fl }, { rounding: 'sr', rng: new Rng(seed) });
          const mean = v.reduce((a, b) => a + b, 0) / n;
          const t = x / eps;
          const f = t - Math.floor(t);
          const sigma = eps * Math.sqrt((f * (1 - f)) / n);
          // float32 storage of the grid values adds at most a tiny representation error
          return Math.abs(mean - x) <= 4 * sigma + 1e-6;
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });
  it('fake-quant of a value already on the grid is the identity (rna and SR)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 16 }),
        fc.integer({ min: -6, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (bits, fl, u) => {
          const h = 2 ** (bits - 1);
          const q = Math.floor(u * (2 * h)) - h; // any code in [-h, h-1]
          const x = Math.fround(q * 2 ** -fl);
          const a = fakeQuantize([x], { bits, fl })[0];
          const b = fakeQuantize([x], { bits, fl }, { rounding: 'sr', rng: new Rng(5) })[0];
          return a === x && b === x && fromCodes(toCodes([x], { bits, fl }), fl)[0] === x;
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('requantize', () => {
  it('shifts an accumulator with FL_w + FL_a fractional bits to FL_o, rounding rna and saturating', () => {
    // acc 1000 at 10 fractional bits = 0.9765625 -> FL_o = 4: 15.625 -> 16 codes; b = 4 saturates to 7
    expect(Array.from(requantize([1000, -1000, 24], 10, { bits: 8, fl: 4 }))).toEqual([16, -16, 0]);
    expect(Array.from(requantize([1000, 40], 10, { bits: 4, fl: 4 }))).toEqual([7, 1]);
  });
});

describe('bad parameters', () => {
  it('rejects bit widths outside [2, 16] and non-integer FL', () => {
    expect(() => toCodes([1], { bits: 1, fl: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: toCodes: bits = 1 is not an integer in [2, 16]]`,
    );
    expect(() => toCodes([1], { bits: 33, fl: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: toCodes: bits = 33 is not an integer in [2, 16]]`,
    );
    expect(() => toCodes([1], { bits: 8, fl: 0.5 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: toCodes: fl = 0.5 is not an integer in [-64, 64]]`,
    );
    expect(() => planTensor([1], { bits: 17 }, 'weights')).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: planTensor: bits = 17 is not an integer in [2, 16]]`,
    );
    expect(() => searchFl([1], 8, 1, { radius: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: searchFl: radius = -1 is not an integer in [0, 16]]`,
    );
    expect(() =>
      planTensor([1], { bits: 8, threshold: 'kl', bins: 64 }, 'activations'),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: planTensor: bins = 64 is not >= targetBins (128)]`);
  });
});

describe('planTensor', () => {
  it('activations use KL by default and sub-sample the FL search with the seeded rng', () => {
    const rng = new Rng(9);
    const x = new Float32Array(50_000);
    for (let i = 0; i < x.length; i++) x[i] = Math.max(0, rng.normal());
    x[0] = 40; // one outlier: KL clips it, max would not
    const kl = planTensor(x, { bits: 8, maxSearchValues: 10_000 }, 'activations', new Rng(1));
    const mx = planTensor(x, { bits: 8, threshold: 'max' }, 'activations', new Rng(1));
    expect(kl.thresholdMethod).toBe('kl');
    expect(kl.threshold).toBeLessThan(10);
    expect(mx.threshold).toBe(40);
    expect(kl.fl).toBeGreaterThan(mx.fl);
    const again = planTensor(x, { bits: 8, maxSearchValues: 10_000 }, 'activations', new Rng(1));
    expect(again).toEqual(kl);
    // b = 16 always uses max
    expect(planTensor(x, { bits: 16, threshold: 'kl' }, 'activations', new Rng(1)).thresholdMethod).toBe('max');
  });
  it('percentile threshold is the nearest-rank percentile of |x|', () => {
    const x = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
    const p = planTensor(x, { bits: 8, threshold: 'percentile', percentile: 90 }, 'weights');
    expect(p.threshold).toBe(90);
  });
});

describe('fused multi-FL SSE', () => {
  it('equals the single-FL SSE for every candidate (incl. saturation on both sides)', () => {
    const rng = new Rng(21);
    const x = Float32Array.from({ length: 3000 }, () => rng.normal() * 3);
    const fls = [-3, -1, 0, 1, 2, 3, 5];
    const multi = quantizationSseMulti(x, 4, fls);
    fls.forEach((fl, i) => expect(multi[i]).toBeCloseTo(quantizationSse(x, { bits: 4, fl }), 6));
  });
});
