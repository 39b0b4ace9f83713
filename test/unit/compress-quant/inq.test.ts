import { describe, expect, it } from 'vitest';
import { firstOffGrid, inqStep, layerPow2Levels } from '../../../src/compress/quantize/index.js';

/**
 * One INQ step by hand (b = 4, sign-based). Kept weights (mask 1) are indices 0-5 and 7; index 6 is pruned and
 * holds 1.5 on purpose: if it counted, s+ would be 1.5 and n1+ = 1.
 *   positive kept: 0.9, 0.05, 0.26 -> s+ = 0.9, n1 = floor(log2(1.2)) = 0, n2 = -3: {1, 0.5, 0.25, 0.125}
 *   negative kept: 0.3, 0.7, 0.08 -> s- = 0.7, n1 = floor(log2(0.933)) = -1, n2 = -4: {0.5, 0.25, 0.125, 0.0625}
 */
const W = [0.9, -0.3, 0.05, 0.26, -0.7, -0.08, 1.5, 0];
const MASK = [1, 1, 1, 1, 1, 1, 0, 1];

describe('INQ step (METHODS §6.4 step 4) on a hand-computed layer', () => {
  const levels = layerPow2Levels(W, 4, 'sign-based', MASK);

  it('levels come from the kept weights only, per sign', () => {
    expect(levels.positive).toEqual({ n1: 0, n2: -3 });
    expect(levels.negative).toEqual({ n1: -1, n2: -4 });
    expect(layerPow2Levels(W, 4, 'sign-based').positive).toEqual({ n1: 1, n2: -2 }); // the pruned 1.5 counted
    expect(layerPow2Levels(W, 4, 'symmetric', MASK).negative).toEqual({ n1: 0, n2: -3 });
  });

  it('50 / 75 / 87.5 / 100 %: frozen share, exact powers of two, frozen values never move, pruned untouched', () => {
    // Step 1: round(0.5 * 7) = 4 largest |w| of the kept: 0.9, -0.7, -0.3, 0.26.
    const s1 = inqStep(W, { fraction: 0.5, levels, mask: MASK });
    expect(Array.from(s1.values)).toEqual([1, -0.25, Math.fround(0.05), 0.25, -0.5, Math.fround(-0.08), 1.5, 0]);
    expect(Array.from(s1.frozen)).toEqual([1, 1, 0, 1, 1, 0, 0, 0]);
    expect([s1.quantized, s1.kept]).toEqual([4, 7]);

    // Retraining moves the free weights only (the trainer pins frozen ones).
    const trained = Float32Array.from(s1.values);
    trained[2] = 0.2;
    trained[5] = -0.1;
    trained[7] = 0.01;

    // Step 2: round(0.75 * 7) = 5 -> one more: 0.2 -> 0.25 (0.2 is nearer 0.25 than 0.125).
    const s2 = inqStep(trained, { fraction: 0.75, levels, mask: MASK, frozen: s1.frozen });
    expect(Array.from(s2.values)).toEqual([1, -0.25, 0.25, 0.25, -0.5, Math.fround(-0.1), 1.5, Math.fround(0.01)]);
    expect(Array.from(s2.frozen)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);

    // Step 3: round(0.875 * 7) = 6 -> -0.1 -> -0.125 on the negative levels.
    const s3 = inqStep(s2.values, { fraction: 0.875, levels, mask: MASK, frozen: s2.frozen });
    expect(s3.values[5]).toBe(-0.125);
    expect(s3.quantized).toBe(1);

    // Step 4: everything kept; 0.01 < 2^-3 / 2 becomes an exact 0 (and stays frozen there).
    const s4 = inqStep(s3.values, { fraction: 1, levels, mask: MASK, frozen: s3.frozen });
    expect(Array.from(s4.values)).toEqual([1, -0.25, 0.25, 0.25, -0.5, -0.125, 1.5, 0]);
    expect(Array.from(s4.frozen)).toEqual([1, 1, 1, 1, 1, 1, 0, 1]);
    expect(firstOffGrid(s4.values, levels, MASK)).toBeUndefined();
    // Without the mask the pruned 1.5 is off the grid (2^0.58…): the check would catch a weight INQ missed.
    expect(firstOffGrid(s4.values, levels)).toEqual({ index: 6, value: 1.5 });
  });

  it('ties go to the lower index; asking for less than is already frozen is an error', () => {
    const lv = layerPow2Levels([0.3, 0.3, 0.3, 0.3], 3, 'symmetric');
    expect(Array.from(inqStep([0.3, 0.3, 0.3, 0.3], { fraction: 0.25, levels: lv }).frozen)).toEqual([1, 0, 0, 0]);
    expect(() => inqStep([0.3, 0.3], { fraction: 0.5, levels: lv, frozen: [1, 1] })).toThrow(
      'inqStep: fraction = 0.5 is not at least the fraction already frozen (2 of 2)',
    );
    expect(() => inqStep([0.3], { fraction: 0, levels: lv })).toThrow('inqStep: fraction = 0 is not in (0, 1]');
  });

  it('a sign with no weight when INQ started quantizes to 0 (it has no levels)', () => {
    const lv = layerPow2Levels([0.5, 0.25], 4, 'sign-based');
    expect(lv.negative).toBeUndefined();
    expect(Array.from(inqStep([0.5, -0.3], { fraction: 1, levels: lv }).values)).toEqual([0.5, 0]);
  });

  it('b-bit INQ has 2^(b-2) magnitudes per sign: a 3-bit layer rejects a fourth exponent', () => {
    const lv = layerPow2Levels([1, -1], 3, 'symmetric'); // n1 = 0, n2 = -1: {1, 0.5}
    expect(lv.positive).toEqual({ n1: 0, n2: -1 });
    expect(firstOffGrid([1, 0.5, -0.5, 0], lv)).toBeUndefined();
    expect(firstOffGrid([1, 0.25], lv)).toEqual({ index: 1, value: 0.25 });
  });
});
