import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countKept,
  gradualGroupBalanced,
  gradualMagnitude,
  groupBalancedMask,
  isMonotone,
  keepSchedule,
  magnitudeMask,
  pruneModel,
  ratioSchedule,
} from '../../../src/compress/prune/index.js';
import { layer } from './model-fixture.js';

/** Small-integer weights so that ties are frequent. */
const kernelArb = fc
  .record({
    R: fc.integer({ min: 1, max: 3 }),
    S: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 20 }),
    K: fc.integer({ min: 1, max: 4 }),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      w: fc
        .array(fc.integer({ min: -4, max: 4 }), { minLength: d.R * d.S * d.C * d.K, maxLength: d.R * d.S * d.C * d.K })
        .map((a) => Float32Array.from(a, (v) => v / 4)),
      g: fc.integer({ min: 1, max: 8 }),
    }),
  )
  .chain((x) => fc.record({ x: fc.constant(x), n: fc.integer({ min: 1, max: x.g }) }));

/** Independent reference: sort each vector group by (-|w|, c) and keep the first n_G. */
function referenceGbp(
  w: Float32Array,
  [R, S, C, K]: number[],
  g: number,
  n: number,
  partial: 'pad' | 'proportional',
): Uint8Array {
  const mask = new Uint8Array(w.length);
  for (let tap = 0; tap < R! * S!; tap++)
    for (let k = 0; k < K!; k++)
      for (let q = 0; q * g < C!; q++) {
        const members = [];
        for (let c = q * g; c < Math.min((q + 1) * g, C!); c++) members.push({ c, i: (tap * C! + c) * K! + k });
        const m = members.length;
        const nG =
          m === g ? n : partial === 'pad' ? Math.min(m, n) : Math.min(m, Math.max(1, Math.floor((m * n) / g + 0.5)));
        members.sort((a, b) => Math.abs(w[b.i]!) - Math.abs(w[a.i]!) || a.c - b.c);
        for (const e of members.slice(0, nG)) mask[e.i] = 1;
      }
  return mask;
}

describe('GBP properties', () => {
  it('every full group keeps exactly n and the mask equals a sort-based reference', () => {
    fc.assert(
      fc.property(
        kernelArb,
        fc.constantFrom('pad' as const, 'proportional' as const),
        ({ x: { d, w, g }, n }, partial) => {
          const shape = [d.R, d.S, d.C, d.K];
          const res = groupBalancedMask(w, shape, { groupSize: g, keep: n, partial });
          expect(res.mask).toEqual(referenceGbp(w, shape, g, n, partial));
          for (let tap = 0; tap < d.R * d.S; tap++)
            for (let k = 0; k < d.K; k++)
              for (let q = 0; (q + 1) * g <= d.C; q++) {
                let ones = 0;
                for (let c = q * g; c < (q + 1) * g; c++) ones += res.mask[(tap * d.C + c) * d.K + k]!;
                expect(ones).toBe(n);
              }
          expect(res.achievedRatio).toBeCloseTo((w.length - countKept(res.mask)) / w.length, 12);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });

  it('gradual keep schedules give monotone masks with exactly n_t per full group', () => {
    fc.assert(
      fc.property(kernelArb, fc.integer({ min: 1, max: 5 }), ({ x: { d, w, g } }, steps) => {
        const shape = [d.R, d.S, d.C, d.K];
        const sched = keepSchedule(g, g - 1, steps);
        const results = gradualGroupBalanced(
          w,
          shape,
          { groupSize: g },
          sched.map((s) => ({ keep: s.keep })),
        );
        results.forEach((r, t) => {
          if (t > 0) expect(isMonotone(results[t - 1]!.mask, r.mask)).toBe(true);
          expect(r.keepPerFullGroup).toBe(sched[t]!.keep);
          const fullGroupsKept = r.fullGroups * sched[t]!.keep;
          let keptInFull = 0;
          for (let tap = 0; tap < d.R * d.S; tap++)
            for (let k = 0; k < d.K; k++)
              for (let c = 0; c < Math.floor(d.C / g) * g; c++) keptInFull += r.mask[(tap * d.C + c) * d.K + k]!;
          expect(keptInFull).toBe(fullGroupsKept);
        });
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('gradual ratio schedules (r_t = r*t/3) stay monotone for vector and block groups', () => {
    fc.assert(
      fc.property(
        kernelArb,
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.constantFrom('vector' as const, 'block' as const),
        ({ x: { d, w, g } }, r, groupShape) => {
          const shape = [d.R, d.S, d.C, d.K];
          const results = gradualGroupBalanced(
            w,
            shape,
            { groupSize: g, groupShape },
            ratioSchedule(r).map((ratio) => ({ ratio })),
          );
          for (let t = 1; t < results.length; t++)
            expect(isMonotone(results[t - 1]!.mask, results[t]!.mask)).toBe(true);
        },
      ),
      { numRuns: 100, seed: 11 },
    );
  });
});

describe('magnitude properties', () => {
  const weightsArb = fc
    .array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 300 })
    .map((a) => Float32Array.from(a, (v) => v / 8));

  it('matches a sort-based reference with deterministic ties (lower index kept)', () => {
    fc.assert(
      fc.property(weightsArb, fc.double({ min: 0, max: 0.999, noNaN: true }), (w, r) => {
        const mask = magnitudeMask(w, r);
        const p = Math.min(w.length - 1, Math.floor(r * w.length + 0.5));
        const order = Array.from(w, (v, i) => ({ a: Math.abs(v), i })).sort((x, y) => x.a - y.a || y.i - x.i);
        const ref = new Uint8Array(w.length).fill(1);
        for (const e of order.slice(0, p)) ref[e.i] = 0;
        expect(mask).toEqual(ref);
        expect(w.length - countKept(mask)).toBe(p);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('gradual ratios give monotone masks even with kept exact zeros', () => {
    fc.assert(
      fc.property(
        weightsArb,
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        (w, r, steps) => {
          const masks = gradualMagnitude(w, ratioSchedule(r, steps));
          for (let t = 1; t < masks.length; t++) expect(isMonotone(masks[t - 1]!, masks[t]!)).toBe(true);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });
});

describe('pruneModel property', () => {
  it('achieved ratio per layer and overall equals zero count / total of the masks', () => {
    const layers = [layer('c1', 'conv', [3, 3, 3, 4]), layer('c2', 'conv', [3, 3, 4, 6]), layer('f1', 'fc', [24, 5])];
    fc.assert(
      fc.property(
        fc.constantFrom('magnitude' as const, 'group-balanced' as const, 'kernel-row' as const, 'filter' as const),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (method, ratio, seed) => {
          let s = seed;
          const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
          const weights = new Map(
            layers.map((l) => [l.name, Float32Array.from({ length: l.weightShape.reduce((a, b) => a * b, 1) }, rand)]),
          );
          const res = pruneModel({ layers, weights }, { method, ratio, groupSize: 2 } as Parameters<
            typeof pruneModel
          >[1]);
          let zeros = 0;
          for (const l of res.report.layers) {
            const m = res.masks.get(l.name)!;
            const z = m.length - countKept(m);
            zeros += z;
            expect(l.achievedRatio).toBeCloseTo(z / m.length, 12);
          }
          expect(res.report.overall.achievedRatio).toBeCloseTo(zeros / res.report.overall.total, 12);
        },
      ),
      { numRuns: 60, seed: 9 },
    );
  });
});
