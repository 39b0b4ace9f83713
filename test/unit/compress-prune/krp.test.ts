import { describe, expect, it } from 'vitest';
import { applyMask, countKept, kernelRowMask } from '../../../src/compress/prune/index.js';

/** Naive VALID stride-1 conv, input NHWC `[1,H,W,C]`, kernel HWIO `[R,S,C,K]` -> `[1,Ho,Wo,K]` (float64). */
function conv2dValid(
  x: ArrayLike<number>,
  [H, W, C]: [number, number, number],
  w: ArrayLike<number>,
  [R, S, , K]: [number, number, number, number],
): number[] {
  const Ho = H - R + 1;
  const Wo = W - S + 1;
  const y: number[] = [];
  for (let ho = 0; ho < Ho; ho++)
    for (let wo = 0; wo < Wo; wo++)
      for (let k = 0; k < K; k++) {
        let acc = 0;
        for (let i = 0; i < R; i++)
          for (let j = 0; j < S; j++)
            for (let c = 0; c < C; c++)
              acc += (x[((ho + i) * W + wo + j) * C + c] as number) * (w[((i * S + j) * C + c) * K + k] as number);
        y.push(acc);
      }
  return y;
}

describe('AC-4 KRP', () => {
  const kernel = new Float32Array([1, -1, 0.5, 0.2, 3, -0.1, -2, 0.1, 0.1]); // [3,3,1,1]
  const input = Float64Array.from({ length: 15 }, (_, i) => i + 1); // [1,3,5,1]

  it('krp [3,3,1,1] keeps row 1 (L1 2.5, 3.3, 2.2)', () => {
    const res = kernelRowMask(kernel, [3, 3, 1, 1]);
    expect(Array.from(res.mask)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0]);
    expect(Array.from(res.keptRows)).toEqual([0b010]);
    expect(res.achievedRatio).toBeCloseTo(2 / 3, 12);
  });

  it('x=[1,3,5,1] f=[3,3,1,1] p=valid: dense and KRP outputs, MACs 27 -> 9', () => {
    const dense = conv2dValid(input, [3, 5, 1], kernel, [3, 3, 1, 1]);
    expect(dense.map((v) => Number(v.toFixed(4)))).toEqual([2.4, 4.2, 6.0]);
    const res = kernelRowMask(kernel, [3, 3, 1, 1]);
    const krp = conv2dValid(input, [3, 5, 1], applyMask(kernel, res.mask), [3, 3, 1, 1]);
    expect(krp.map((v) => Number(v.toFixed(4)))).toEqual([21.4, 24.5, 27.6]);
    // equal to the 1x3 conv of input row 1 with the kept row
    const row1 = input.slice(5, 10);
    const oneRow = conv2dValid(row1, [1, 5, 1], new Float32Array([0.2, 3, -0.1]), [1, 3, 1, 1]);
    oneRow.forEach((v, i) => expect(krp[i]).toBeCloseTo(v, 5));
    const outputs = 3;
    expect(kernel.length * outputs).toBe(27);
    expect(countKept(res.mask) * outputs).toBe(9);
  });

  it('ties keep the lower row: rows [1,0,0], [0,-1,0], [0,0,0.5] keep row 0', () => {
    const res = kernelRowMask(new Float32Array([1, 0, 0, 0, -1, 0, 0, 0, 0.5]), [3, 3, 1, 1]);
    expect(Array.from(res.keptRows)).toEqual([0b001]);
  });

  it('rowsKept=2 keeps the two best rows of each kernel of [3,3,2,2]', () => {
    const w = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i * 2.3));
    const res = kernelRowMask(w, [3, 3, 2, 2], { rowsKept: 2 });
    expect(res.kernels).toBe(4);
    expect(res.kept).toBe(24);
    for (let ck = 0; ck < 4; ck++) {
      const l1 = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + Math.abs(w[(i * 3 + j) * 4 + ck] as number), 0));
      const worst = l1.indexOf(Math.min(...l1));
      expect(res.keptRows[ck]).toBe(0b111 & ~(1 << worst));
    }
  });
});
