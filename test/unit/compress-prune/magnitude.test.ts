import { describe, expect, it } from 'vitest';
import {
  filterMask,
  globalMagnitudeMasks,
  magnitudeMask,
  magnitudeThreshold,
  pruneCount,
} from '../../../src/compress/prune/index.js';

describe('magnitude pruning', () => {
  it('per-layer prunes rna(r*N) smallest |w|', () => {
    const w = new Float32Array([0.5, -0.1, 0.3, -0.7, 0.2, 0.05, -0.4, 0.9]);
    expect(Array.from(magnitudeMask(w, 0.5))).toEqual([1, 0, 0, 1, 0, 0, 1, 1]);
    expect(Array.from(magnitudeMask(w, 0.3))).toEqual([1, 0, 1, 1, 1, 0, 1, 1]); // rna(2.4) = 2
  });
  it('ties at the threshold keep the lower flat index', () => {
    const w = new Float32Array([0.2, -0.2, 0.2, 0.2, 1, -0.2]);
    // prune 3 of the five 0.2s: the three highest indices among them (5, 3, 2)
    expect(Array.from(magnitudeMask(w, 0.5))).toEqual([1, 1, 0, 0, 1, 0]);
  });
  it('treats -0 and 0 alike and keeps at least one weight', () => {
    const w = new Float32Array([0, -0, 0, 0]);
    expect(Array.from(magnitudeMask(w, 0.99))).toEqual([1, 0, 0, 0]);
    expect(pruneCount(0.99, 4)).toBe(3);
  });
  it('global uses one threshold across layers (layer order breaks ties)', () => {
    const a = new Float32Array([0.1, 0.9, 0.3]);
    const b = new Float32Array([0.2, 0.3, 0.8, 0.05]);
    const [ma, mb] = globalMagnitudeMasks([a, b], 4 / 7);
    expect(Array.from(ma!)).toEqual([0, 1, 1]);
    expect(Array.from(mb!)).toEqual([0, 0, 1, 0]);
  });
  it('radix threshold equals a sort-based order statistic on random data', () => {
    const w = Float32Array.from({ length: 5000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const sorted = Array.from(w, Math.abs).sort((x, y) => x - y);
    for (const k of [1, 17, 2500, 4999, 5000]) expect(magnitudeThreshold([w], k)).toBe(sorted[k - 1]);
  });
  it('rejects NaN weights', () => {
    expect(() => magnitudeMask(new Float32Array([1, NaN]), 0.5)).toThrow(/NaN/);
  });
});

describe('filter pruning', () => {
  it('prunes the output channels of [1,1,2,4] with the smallest L1 (ties keep lower k)', () => {
    // L1 per k: k0 = 3, k1 = 1, k2 = 1, k3 = 5
    const w = new Float32Array([1, 0.5, -0.5, 2, -2, 0.5, 0.5, 3]);
    const res = filterMask(w, [1, 1, 2, 4], 0.25);
    expect(Array.from(res.l1)).toEqual([3, 1, 1, 5]);
    expect(Array.from(res.channelMask)).toEqual([1, 1, 0, 1]);
    expect(Array.from(res.mask)).toEqual([1, 1, 0, 1, 1, 1, 0, 1]);
    expect(res.achievedRatio).toBe(0.25);
  });
  it('depthwise channels are (c, m) pairs', () => {
    const w = new Float32Array([1, 2, 3, 4, 1, 2, 3, 4]); // [2,1,2,2]
    const res = filterMask(w, [2, 1, 2, 2], 0.5, true);
    expect(Array.from(res.channelMask)).toEqual([0, 0, 1, 1]);
  });
});
