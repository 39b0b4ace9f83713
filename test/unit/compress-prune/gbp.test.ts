import { describe, expect, it } from 'vitest';
import { applyMask, groupBalancedMask, keepFromRatio } from '../../../src/compress/prune/index.js';

/** Builds a `[1,1,C,K]` HWIO kernel from per-output-channel columns. */
function fromColumns(cols: number[][]): Float32Array {
  const C = cols[0]?.length ?? 0;
  const K = cols.length;
  const w = new Float32Array(C * K);
  cols.forEach((col, k) => col.forEach((v, c) => (w[c * K + k] = v)));
  return w;
}

function column(w: Float32Array, K: number, k: number): number[] {
  return Array.from({ length: w.length / K }, (_, c) => w[c * K + k] as number);
}

describe('AC-1 GBP basic', () => {
  it('gbp g=4 n=2 on [1,1,8,2] keeps the 2 largest per group, lower channel on ties', () => {
    const w = fromColumns([
      [0.1, -0.5, 0.3, 0.05, 0.9, -0.2, 0.0, 0.4],
      [1, 1, -1, 0.5, 0.2, 0.2, 0.2, 0.2],
    ]);
    const res = groupBalancedMask(w, [1, 1, 8, 2], { groupSize: 4, keep: 2 });
    const out = applyMask(w, res.mask);
    expect(column(out, 2, 0)).toEqual(Array.from(new Float32Array([0, -0.5, 0.3, 0, 0.9, 0, 0, 0.4])));
    expect(column(out, 2, 1)).toEqual([1, 1, 0, 0, 0.2, 0.2, 0, 0].map((v) => Math.fround(v)));
    expect(res.kept).toBe(8);
    expect(res.total).toBe(16);
    expect(res.groups).toBe(4);
    expect(res.fullGroups).toBe(4);
    for (let k = 0; k < 2; k++) {
      for (let q = 0; q < 2; q++) {
        const ones = [0, 1, 2, 3].reduce((s, t) => s + (res.mask[(q * 4 + t) * 2 + k] as number), 0);
        expect(ones).toBe(2);
      }
    }
    expect(Array.from(w.slice(0, 2))).toEqual([Math.fround(0.1), 1]); // weights untouched
  });
});

describe('AC-2 GBP partial group', () => {
  const w = new Float32Array([0.3, -0.1, 0.2, 0.4, -0.05, 0.01]);
  it('pad keeps min(|G|, n) in the short group', () => {
    const res = groupBalancedMask(w, [1, 1, 6, 1], { groupSize: 4, keep: 2, partial: 'pad' });
    expect(Array.from(applyMask(w, res.mask))).toEqual([0.3, 0, 0, 0.4, -0.05, 0.01].map(Math.fround));
    expect(res.groups).toBe(2);
    expect(res.fullGroups).toBe(1);
  });
  it('proportional keeps clamp(rna(|G|*n/g), 1, |G|) in the short group', () => {
    const res = groupBalancedMask(w, [1, 1, 6, 1], { groupSize: 4, keep: 2, partial: 'proportional' });
    expect(Array.from(applyMask(w, res.mask))).toEqual([0.3, 0, 0, 0.4, -0.05, 0].map(Math.fround));
    expect(res.achievedRatio).toBeCloseTo(0.5, 12);
  });
});

describe('AC-3 GBP ratio conversion', () => {
  it('g=16 r=0.7 gives p=11 n=5 achieved 68.75 %', () => {
    expect(keepFromRatio(0.7, 16)).toEqual({ groupSize: 16, pruned: 11, keep: 5, achievedRatio: 0.6875 });
  });
  it('g=8 r=0.75 gives p=6 n=2', () => {
    expect(keepFromRatio(0.75, 8)).toMatchObject({ pruned: 6, keep: 2, achievedRatio: 0.75 });
  });
  it('clamps p to g-1 so at least one weight per group survives', () => {
    expect(keepFromRatio(0.99, 4)).toMatchObject({ pruned: 3, keep: 1 });
    expect(keepFromRatio(0, 4)).toMatchObject({ pruned: 0, keep: 4 });
  });
  it('a mask built from a ratio reports the achieved ratio, not the requested one', () => {
    const w = Float32Array.from({ length: 3 * 3 * 32 * 4 }, (_, i) => Math.sin(i * 1.7));
    const res = groupBalancedMask(w, [3, 3, 32, 4], { groupSize: 16, ratio: 0.7 });
    expect(res.keepPerFullGroup).toBe(5);
    expect(res.achievedRatio).toBe(0.6875);
  });
});

describe('GBP group shapes', () => {
  it('block [3,3,4,1] g=4 keeps rna((1-r)*R*S*g) per block, ranked over all taps', () => {
    const w = Float32Array.from({ length: 36 }, (_, i) => (i % 7) - 3 + i / 100);
    const res = groupBalancedMask(w, [3, 3, 4, 1], { groupSize: 4, ratio: 0.75, groupShape: 'block' });
    expect(res.keepPerFullGroup).toBe(9); // rna(0.25*36)
    expect(res.kept).toBe(9);
    const sorted = Array.from(w, (v, i) => ({ a: Math.abs(v), i })).sort((x, y) => y.a - x.a || x.i - y.i);
    const expected = new Set(sorted.slice(0, 9).map((e) => e.i));
    expect(Array.from(res.mask, (m, i) => (m ? i : -1)).filter((i) => i >= 0)).toEqual(
      [...expected].sort((a, b) => a - b),
    );
  });
  it('flat groups for a first layer [3,3,3,2] g=8 chunk the (i,j,c) axis', () => {
    const w = Float32Array.from({ length: 54 }, (_, i) => Math.cos(i));
    const res = groupBalancedMask(w, [3, 3, 3, 2], { groupSize: 8, keep: 2, groupShape: 'flat' });
    // 27 positions per output channel -> groups of 8,8,8,3; pad keeps 2,2,2,2
    expect(res.groups).toBe(8);
    expect(res.fullGroups).toBe(6);
    expect(res.kept).toBe(16);
  });
  it('taps groups for a depthwise [3,3,2,1] g=9 keep n taps of each channel', () => {
    const w = Float32Array.from({ length: 18 }, (_, i) => (i * 37) % 11);
    const res = groupBalancedMask(w, [3, 3, 2, 1], { groupSize: 9, keep: 3, groupShape: 'taps' });
    for (let c = 0; c < 2; c++) {
      const taps = Array.from({ length: 9 }, (_, t) => res.mask[t * 2 + c] as number);
      expect(taps.reduce((a, b) => a + b, 0)).toBe(3);
    }
  });
  it('dense [C,K] groups are g consecutive inputs of one output unit', () => {
    const w = new Float32Array([1, 9, 2, 8, 3, 7, 4, 6]); // [4,2]
    const res = groupBalancedMask(w, [4, 2], { groupSize: 4, keep: 1 });
    expect(Array.from(res.mask)).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
  });
});
