import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignCodes,
  clusterTensor,
  codebookGradients,
  decodeTensor,
  inertia,
  kmeans1d,
  radixSortF32,
  refineOnline,
  sortedNonZero,
  staticActivationCentroids,
} from '../../../src/compress/cluster/index.js';
import { Rng } from '../../../src/shared/rng.js';

/** Naive Lloyd (O(nK) per iteration, nearest by |v - c| with ties -> lower k), for cross-checking. */
function naiveLloyd(v: number[], c0: number[], maxIt = 100): { c: number[]; it: number } {
  let c = [...c0];
  let prev: number[] | undefined;
  for (let it = 1; it <= maxIt; it++) {
    const a = v.map((x) => {
      let best = 0;
      for (let k = 1; k < c.length; k++) if (Math.abs(x - c[k]!) < Math.abs(x - c[best]!)) best = k;
      return best;
    });
    if (prev && a.every((k, i) => k === prev![i])) return { c, it };
    prev = a;
    c = c.map((ck, k) => {
      const m = v.filter((_, i) => a[i] === k);
      return m.length ? m.reduce((s, x) => s + x, 0) / m.length : ck;
    });
  }
  return { c, it: maxIt };
}

describe('AC-15 1-D k-means', () => {
  it('v = [0.1, 0.2, 0.9, 1.0], K = 2, linear init [0.1, 1.0]: codes [1,1,2,2], centroids [0.15, 0.95], converged at iteration 2', () => {
    const v = Float32Array.from([0.1, 0.2, 0.9, 1.0]);
    const r = kmeans1d(v, 2);
    expect(r.centroids[0]).toBeCloseTo(0.15, 6);
    expect(r.centroids[1]).toBeCloseTo(0.95, 6);
    expect(r.iterations).toBe(2);
    expect(r.converged).toBe(true);
    expect(Array.from(assignCodes(v, r.centroids))).toEqual([1, 1, 2, 2]);
    // the linear init itself
    expect(Array.from(kmeans1d(v, 2, { maxIterations: 1 }).centroids, (c) => Number(c.toFixed(6)))).toEqual([
      0.15, 0.95,
    ]);
  });

  it('zeros are excluded and keep code 0', () => {
    const v = Float32Array.from([0, 0.1, 0, 0.2, 0.9, 1.0, 0]);
    const r = kmeans1d(v, 2);
    expect(r.n).toBe(4);
    expect(Array.from(assignCodes(v, r.centroids))).toEqual([0, 1, 0, 1, 2, 2, 0]);
  });

  it('agrees with a naive Lloyd on random data (linear init)', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 5; trial++) {
      const v = Array.from({ length: 300 }, () => Math.fround(rng.normal()));
      const K = 2 + trial * 3;
      const r = kmeans1d(Float32Array.from(v), K, { emptyCluster: 'drop' });
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      const ref = naiveLloyd(
        v,
        Array.from({ length: K }, (_, k) => lo + (k * (hi - lo)) / (K - 1)),
      );
      const refC = ref.c.filter((c, k) =>
        v.some((x) => Math.abs(x - c) <= Math.min(...ref.c.map((d) => Math.abs(x - d))) && ref.c.indexOf(c) === k),
      );
      expect(r.iterations).toBe(ref.it);
      expect(Array.from(r.centroids).map((c) => Number(c.toFixed(9)))).toEqual(
        refC.sort((a, b) => a - b).map((c) => Number(c.toFixed(9))),
      );
    }
  });

  it('k-means++ is seeded (same seed -> same centroids) and density init uses quantiles', () => {
    const rng = new Rng(1);
    const v = Float32Array.from({ length: 1000 }, () => rng.normal());
    const a = kmeans1d(v, 8, { init: 'kmeans++', rng: new Rng(5) });
    const b = kmeans1d(v, 8, { init: 'kmeans++', rng: new Rng(5) });
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const d = kmeans1d(Float32Array.from([1, 2, 3, 4]), 2, { init: 'density', maxIterations: 1 });
    // quantiles (0.25, 0.75) of [1,2,3,4] -> v[1] = 2, v[3] = 4; 3 is a tie -> lower cluster: {1,2,3}, {4}
    expect(Array.from(d.centroids)).toEqual([2, 4]);
  });

  it('empty clusters move to the largest-error value (K_eff = K) or are dropped (K_eff < K)', () => {
    // linear init over [0, 10] with K = 3: [0, 5, 10]; no value near 5 -> empty
    const v = Float32Array.from([0.5, 1, 1.5, 2, 9, 10]);
    const moved = kmeans1d(v, 3, { maxIterations: 1 });
    // cluster means 1.25 and 9.5; largest error: 0.5 (|0.5 - 1.25| = 0.75, ties with 2 -> smaller position)
    expect(Array.from(moved.centroids)).toEqual([0.5, 1.25, 9.5]);
    expect(moved.kEff).toBe(3);
    const dropped = kmeans1d(v, 3, { maxIterations: 1, emptyCluster: 'drop' });
    expect(Array.from(dropped.centroids)).toEqual([1.25, 9.5]);
    expect(dropped.kEff).toBe(2);
  });

  it('fewer distinct values than K gives K_eff < K', () => {
    const r = kmeans1d(Float32Array.from([2, 2, 2, 5, 5]), 4);
    expect(r.kEff).toBe(2);
    expect(Array.from(r.centroids)).toEqual([2, 5]);
  });

  it('rejects K < 1, K > non-zeros and bad options with messages naming the parameter', () => {
    expect(() => kmeans1d([1, 2, 0, 0], 3)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kmeans1d: K = 3 is not <= the number of non-zero values (2)]`,
    );
    expect(() => kmeans1d([1, 2], 0)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kmeans1d: K = 0 is not an integer >= 1]`,
    );
    expect(() => kmeans1d([1, 2], 1.5)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kmeans1d: K = 1.5 is not an integer >= 1]`,
    );
    expect(() => kmeans1d([1, 2], 2, { init: 'kmeans++' })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kmeans1d: rng = undefined is not a seeded Rng for init 'kmeans++']`,
    );
    expect(() => kmeans1d([1, 2], 2, { maxIterations: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kmeans1d: maxIterations = 0 is not an integer >= 1]`,
    );
    expect(() => clusterTensor([1, 2, 0, 3], [2, 2], 2, { granularity: 'channel' })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: clusterTensor: K = 2 is not <= the number of non-zero values of output channel 0 (1)]`,
    );
  });
});

describe('properties (fast-check)', () => {
  const arr = fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), {
    minLength: 1,
    maxLength: 200,
  });
  it('k-means never increases inertia from one iteration to the next (all inits)', () => {
    fc.assert(
      fc.property(
        arr,
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('linear', 'kmeans++', 'density'),
        fc.integer(),
        (xs, k, init, seed) => {
          const v = Float32Array.from(xs);
          const nz = v.filter((x) => x !== 0).length;
          if (nz === 0) return true;
          const r = kmeans1d(v, Math.min(k, nz), { init, rng: new Rng(seed), trackInertia: true });
          const h = r.inertiaHistory!;
          return h.every((e, i) => i === 0 || e <= h[i - 1]! * (1 + 1e-9) + 1e-12);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
  it('codes are in [0, K_eff] and code 0 iff the value is 0', () => {
    fc.assert(
      fc.property(arr, fc.integer({ min: 1, max: 40 }), (xs, k) => {
        const v = Float32Array.from(xs.map((x, i) => (i % 3 === 0 ? 0 : x)));
        const nz = v.filter((x) => x !== 0).length;
        if (nz === 0) return true;
        const t = clusterTensor(v, [v.length], Math.min(k, nz));
        const kEff = t.codebooks[0]!.length;
        const dec = decodeTensor(t);
        return Array.from(t.codes).every(
          (c, i) =>
            c >= 0 &&
            c <= kEff &&
            (c === 0) === (v[i] === 0) &&
            (c === 0 ? dec[i] === 0 : dec[i] === t.codebooks[0]![c - 1]),
        );
      }),
      { numRuns: 200, seed: 8 },
    );
  });
  it('the final inertia is never above the initial assignment inertia', () => {
    fc.assert(
      fc.property(arr, fc.integer({ min: 1, max: 8 }), (xs, k) => {
        const sorted = sortedNonZero(xs);
        if (sorted.length === 0) return true;
        const kk = Math.min(k, sorted.length);
        const first = kmeans1d(xs, kk, { maxIterations: 1 });
        const last = kmeans1d(xs, kk);
        return inertia(sorted, last.centroids) <= inertia(sorted, first.centroids) * (1 + 1e-9) + 1e-12;
      }),
      { numRuns: 100, seed: 9 },
    );
  });
});

describe('per-channel clustering and helpers', () => {
  it('clusters each output channel (last HWIO axis) with its own codebook', () => {
    // [1,1,4,2]: channel 0 = [1, 1.1, 5, 5.2], channel 1 = [-3, -3.2, 0, 7]
    const w = Float32Array.from([1, -3, 1.1, -3.2, 5, 0, 5.2, 7]);
    const t = clusterTensor(w, [1, 1, 4, 2], 2, { granularity: 'channel' });
    expect(t.codebooks.map((b) => Array.from(b, (c) => Number(c.toFixed(5))))).toEqual([
      [1.05, 5.1],
      [-3.1, 7],
    ]);
    expect(Array.from(t.codes)).toEqual([1, 1, 1, 1, 2, 0, 2, 2]);
    expect(Array.from(decodeTensor(t), (c) => Number(c.toFixed(5)))).toEqual([1.05, -3.1, 1.05, -3.1, 5.1, 0, 5.1, 7]);
  });
  it('centroid gradients sum dL/dw over each cluster (§1.5 step 5), per channel', () => {
    const w = Float32Array.from([1, -3, 1.1, -3.2, 5, 0, 5.2, 7]);
    const t = clusterTensor(w, [1, 1, 4, 2], 2, { granularity: 'channel' });
    const g = codebookGradients(t, [0.1, 0.2, 0.3, 0.4, 0.5, 9, 0.7, 0.8]);
    expect(g.map((a) => Array.from(a, (v) => Number(v.toFixed(6))))).toEqual([
      [0.4, 1.2],
      [0.6, 0.8],
    ]);
  });
  it('radix sort equals the native sort on 100k random floats (incl. negatives, denormals)', () => {
    const rng = new Rng(2);
    const a = Float32Array.from({ length: 100_000 }, () => rng.normal() * 10 ** (rng.int(20) - 10));
    a[5] = 1e-42;
    a[6] = -1e-42;
    a[7] = 0;
    a[8] = -0;
    expect(Array.from(radixSortF32(a.slice()))).toEqual(Array.from(a.filter((v) => v !== 0).sort()));
  });
  it('static activation centroids + online refinement move centroids toward one image', () => {
    const rng = new Rng(4);
    const calib = Float32Array.from({ length: 5000 }, () => Math.max(0, rng.normal()));
    const c = staticActivationCentroids(calib, 4);
    expect(c.length).toBe(4);
    const img = Float32Array.from({ length: 500 }, () => Math.max(0, rng.normal() * 2));
    const before = inertia(sortedNonZero(img), c);
    const after = refineOnline(img, c, 3);
    expect(inertia(sortedNonZero(img), after)).toBeLessThan(before);
    expect(Array.from(refineOnline(img, c, 0))).toEqual(Array.from(c));
  });
});

describe('assignCodes (cell table + midpoint binary search)', () => {
  it('equals a linear nearest-centroid scan (ties -> lower) for random centroids and values, incl. exact midpoints and outliers', () => {
    const rng = new Rng(17);
    for (let trial = 0; trial < 20; trial++) {
      const k = 1 + rng.int(70);
      const c = Float64Array.from({ length: k }, () => Math.fround(rng.normal() * 2)).sort();
      const x = Float32Array.from({ length: 2000 }, () => (rng.next() < 0.1 ? 0 : Math.fround(rng.normal() * 3)));
      for (let j = 0; j + 1 < k && j < 50; j++) x[j] = Math.fround((c[j]! + c[j + 1]!) / 2);
      x[1999] = 1e30;
      x[1998] = -1e30;
      const codes = assignCodes(x, c);
      x.forEach((v, i) => {
        if (v === 0) return expect(codes[i]).toBe(0);
        const mids = Array.from({ length: k - 1 }, (_, j) => (c[j]! + c[j + 1]!) / 2);
        let ref = 0;
        while (ref < k - 1 && v > mids[ref]!) ref++;
        expect(codes[i]).toBe(ref + 1);
      });
    }
  });
});
