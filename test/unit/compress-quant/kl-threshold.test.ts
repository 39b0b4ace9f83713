import { describe, expect, it } from 'vitest';
import { absHistogram, klSearch, klThreshold } from '../../../src/compress/quantize/index.js';

/** Independent, literal transcription of METHODS §3.3 for one candidate (used to cross-check). */
function klNaive(h: number[], i: number, Q: number): number {
  const P = h.slice(0, i);
  P[i - 1]! += h.slice(i).reduce((a, b) => a + b, 0);
  const m = Math.floor(i / Q);
  const q = new Array<number>(i).fill(0);
  for (let j = 0; j < Q; j++) {
    const start = j * m;
    const stop = j === Q - 1 ? i : start + m;
    const merged = h.slice(start, stop).reduce((a, b) => a + b, 0);
    const nz = P.slice(start, stop).filter((p) => p !== 0).length;
    for (let t = start; t < stop; t++) q[t] = P[t] !== 0 ? merged / nz : 0;
  }
  const sp = P.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let d = 0;
  for (let t = 0; t < i; t++) {
    if (P[t] === 0) continue;
    if (q[t] === 0) return Infinity;
    d += (P[t]! / sp) * Math.log(P[t]! / sp / (q[t]! / sq));
  }
  return d;
}

const caseA = {
  h: [8, 8, 4, 4, 0, 0, 0, 1],
  w: 1.0,
  kl: [0.0663, 0.0149, 0.0038, 0.0497, 0.0773, 0.0773, 0.0544],
  iStar: 4,
  T: 4.5,
};
const caseB = {
  h: [10, 6, 4, 2, 1, 1, 1, 1],
  w: 0.5,
  kl: [0.1181, 0.0463, 0.0566, 0.0508, 0.0867, 0.069, 0.1232],
  iStar: 3,
  T: 1.75,
};

describe('AC-5 KL threshold search (Q = 2)', () => {
  for (const [name, c] of [
    ['a', caseA],
    ['b', caseB],
  ] as const) {
    it(`(${name}) h=[${c.h.join(',')}] gives every KL to 4 decimals, i* = ${c.iStar}, T = ${c.T}`, () => {
      const r = klSearch(c.h, { targetBins: 2 });
      expect(r.kl.length).toBe(7);
      expect(Array.from(r.kl, (v) => Number(v.toFixed(4)))).toEqual(c.kl);
      expect(r.iStar).toBe(c.iStar);
      expect((r.iStar + 0.5) * c.w).toBeCloseTo(c.T, 12);
      for (let i = 2; i <= 8; i++) expect(r.kl[i - 2]).toBeCloseTo(klNaive(c.h, i, 2), 12);
    });
  }

  it('(a) hand check of i = 4: P = [8,8,4,5]/25, Q = [8,8,4,4]/24', () => {
    const p = [8, 8, 4, 5].map((v) => v / 25);
    const q = [8, 8, 4, 4].map((v) => v / 24);
    const kl = p.reduce((s, pi, t) => s + pi * Math.log(pi / q[t]!), 0);
    expect(klSearch(caseA.h, { targetBins: 2 }).kl[2]).toBeCloseTo(kl, 14);
  });

  it('klThreshold rebuilds both histograms from raw values (zeros excluded, signs ignored) and finds T', () => {
    const a = [
      ...Array(8).fill(0.5),
      ...Array(8).fill(-1.5),
      ...Array(4).fill(2.5),
      ...Array(4).fill(3.5),
      8.0,
      0,
      0,
      0,
    ];
    const ra = klThreshold(Float32Array.from(a), { bins: 8, targetBins: 2 });
    expect(Array.from(ra.histogram)).toEqual(caseA.h);
    expect(ra.binWidth).toBe(1);
    expect(ra.iStar).toBe(4);
    expect(ra.threshold).toBe(4.5);
    const b = [
      ...Array(10).fill(0.25),
      ...Array(6).fill(0.75),
      ...Array(4).fill(-1.25),
      ...Array(2).fill(1.75),
      2.25,
      2.75,
      -3.25,
      4.0,
      0,
    ];
    const rb = klThreshold(Float32Array.from(b), { bins: 8, targetBins: 2 });
    expect(Array.from(rb.histogram)).toEqual(caseB.h);
    expect(rb.threshold).toBe(1.75);
  });

  it('keeping exact zeros changes the histogram (knob)', () => {
    const h = absHistogram(Float32Array.from([0, 0, 0, 1, 2, 4]), { bins: 4, excludeZeros: false });
    expect(Array.from(h.counts)).toEqual([3, 1, 1, 1]);
    expect(absHistogram(Float32Array.from([0, 0, 0, 1, 2, 4]), { bins: 4 }).total).toBe(3);
  });

  it('+inf rule: a candidate with Q_t = 0 at P_t > 0 is +inf by default and finite with MXNet smoothing', () => {
    // i = 4, Q = 2: merged bins h[0..1] = 4, h[2..3] = 0; outliers move 3 counts into P[3] -> Q[3] = 0
    const h = [2, 2, 0, 0, 3];
    const inf = klSearch(h, { targetBins: 2 });
    expect(inf.kl[2]).toBe(Infinity);
    const sm = klSearch(h, { targetBins: 2, zeroHandling: 'smooth' });
    expect(Number.isFinite(sm.kl[2]!)).toBe(true);
    // MXNet smoothing of counts, eps = 1e-4: P = [2,2,0,3] -> [2-e1,2-e1,1e-4,3-e1], e1 = 1e-4/3
    const e1 = 1e-4 / 3;
    const P = [2 - e1, 2 - e1, 1e-4, 3 - e1];
    // Q counts before smoothing: [2,2,0,0] -> zeros 2, nonzeros 2 -> eps1 = 1e-4
    const Qc = [2 - 1e-4, 2 - 1e-4, 1e-4, 1e-4];
    const sp = P.reduce((a, b) => a + b, 0);
    const sq = Qc.reduce((a, b) => a + b, 0);
    const ref = P.reduce((s, p, t) => s + (p / sp) * Math.log(p / sp / (Qc[t]! / sq)), 0);
    expect(sm.kl[2]).toBeCloseTo(ref, 12);
  });

  it('ties pick the smaller i; an all-zero tensor has T = 0', () => {
    const r = klSearch([1, 1, 0, 0], { targetBins: 2 });
    expect(Array.from(r.kl)).toEqual([0, 0, 0]);
    expect(r.iStar).toBe(2);
    expect(klThreshold(new Float32Array(10), { targetBins: 2, bins: 8 }).threshold).toBe(0);
  });

  it('rejects bins < Q and bad Q with messages naming the parameter', () => {
    expect(() => klSearch([1, 2, 3], { targetBins: 4 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: klSearch: bins = 3 is not >= targetBins (4)]`,
    );
    expect(() => klThreshold(new Float32Array(4), { targetBins: 128, bins: 64 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: klThreshold: bins = 64 is not >= targetBins (128)]`,
    );
    expect(() => klSearch([1, 2], { targetBins: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: klSearch: targetBins = 0 is not an integer >= 1]`,
    );
  });

  it('histogram of 2M values matches a naive count per bin', () => {
    const n = 2_000_000;
    const x = new Float32Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      x[i] = ((s / 2 ** 32) * 2 - 1) ** 3;
    }
    const h = absHistogram(x, { bins: 64 });
    const ref = new Array<number>(64).fill(0);
    for (const v of x) if (v !== 0) ref[Math.min(63, Math.floor(Math.abs(v) / (h.max / 64)))]!++;
    expect(Array.from(h.counts)).toEqual(ref);
  });
});
