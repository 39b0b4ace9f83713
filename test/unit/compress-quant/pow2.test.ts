import { describe, expect, it } from 'vitest';
import { inqPartition, nearestPow2, pow2Levels, quantizePow2 } from '../../../src/compress/quantize/index.js';

describe('AC-14 INQ / GSNQ power-of-two quantizer, b = 4', () => {
  const W = [0.9, -0.3, 0.05, 0.26, -0.7, -0.08];
  it('symmetric INQ: n1 = 0, n2 = -3, magnitudes {1, 0.5, 0.25, 0.125}', () => {
    const r = quantizePow2(W, 4, 'symmetric');
    expect(r.positive).toEqual({ n1: 0, n2: -3 });
    expect(r.negative).toEqual({ n1: 0, n2: -3 });
    expect(Array.from(r.values)).toEqual([1, -0.25, 0, 0.25, -0.5, -0.125]);
  });
  it('sign-based GSNQ: s- = 0.7 -> n1- = -1, n2- = -4', () => {
    const r = quantizePow2(W, 4, 'sign-based');
    expect(r.positive).toEqual({ n1: 0, n2: -3 });
    expect(r.negative).toEqual({ n1: -1, n2: -4 });
    expect(Array.from(r.values)).toEqual([1, -0.25, 0, 0.25, -0.5, -0.0625]);
  });
  it('nearest magnitude ties go to the larger one; below 2^n2/2 is zero; above 2^n1 saturates', () => {
    const lv = { n1: 0, n2: -3 };
    expect(nearestPow2(0.75, lv)).toBe(1); // midway between 0.5 and 1
    expect(nearestPow2(0.0625, lv)).toBe(0.125); // exactly 2^n2/2
    expect(nearestPow2(0.0624, lv)).toBe(0);
    expect(nearestPow2(1.4, lv)).toBe(1);
    expect(pow2Levels(0, 4)).toBeUndefined();
  });
  it('INQ partition marks the largest |w| first (ties -> lower index)', () => {
    expect(Array.from(inqPartition([0.1, -0.5, 0.5, 0.2], 0.5))).toEqual([0, 1, 1, 0]);
    expect(Array.from(inqPartition([0.3, 0.3, 0.3, 0.3], 0.25))).toEqual([1, 0, 0, 0]);
  });
  it('rejects bad bit widths and modes', () => {
    expect(() => quantizePow2(W, 1)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: quantizePow2: bits = 1 is not an integer in [2, 16]]`,
    );
    expect(() => quantizePow2(W, 4, 'asym' as 'symmetric')).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: quantizePow2: mode = asym is not one of 'symmetric' | 'sign-based']`,
    );
  });
});
