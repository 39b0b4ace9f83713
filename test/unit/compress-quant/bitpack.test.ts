import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeBits,
  packSigned,
  packUnsigned,
  unpackSigned,
  unpackUnsigned,
} from '../../../src/compress/cluster/index.js';

describe('bit packing', () => {
  it('code bits are ceil(log2(K + 1)) (code 0 reserved)', () => {
    expect([1, 2, 3, 4, 7, 8, 15, 16, 63, 64].map(codeBits)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 6, 7]);
  });
  it('packs 3-bit codes LSB-first into ceil(n*3/8) bytes', () => {
    const b = packUnsigned([1, 2, 3, 4, 5], 3);
    expect(b.length).toBe(2);
    // bits: 1=100 2=010 3=110 4=001 5=101 (LSB first) -> 10001011 00110101 ... byte0 = 0b11010001
    expect(Array.from(b)).toEqual([0b11010001, 0b01011000]);
    expect(Array.from(unpackUnsigned(b, 5, 3))).toEqual([1, 2, 3, 4, 5]);
  });
  it('round-trips any unsigned and signed codes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 64 }),
        (bits, us) => {
          const u = us.map((x) => Math.floor(x * 2 ** bits));
          const s = u.map((x) => x - 2 ** (bits - 1));
          return (
            Array.from(unpackUnsigned(packUnsigned(u, bits), u.length, bits)).every((v, i) => v === u[i]) &&
            Array.from(unpackSigned(packSigned(s, bits), s.length, bits)).every((v, i) => v === s[i])
          );
        },
      ),
      { numRuns: 200, seed: 1 },
    );
  });
  it('rejects values that do not fit', () => {
    expect(() => packUnsigned([8], 3)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: packUnsigned: values[0] = 8 is not an integer in [0, 7]]`,
    );
    expect(() => packSigned([-9], 4)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: packSigned: values[0] = -9 is not an integer in [-8, 7]]`,
    );
  });
});
