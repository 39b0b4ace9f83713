import { describe, expect, it } from 'vitest';
import { foldBatchNorm } from '../../../src/compress/bn-fold.js';
import { groupBalancedMask, kernelRowMask } from '../../../src/compress/prune/index.js';
import { Rng } from '../../../src/shared/rng.js';

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('BatchNorm folding (§1.3)', () => {
  it('folds a hand-computed [1,1,1,2] case with a negative gamma', () => {
    const f = foldBatchNorm(
      new Float32Array([1, 2]),
      [1, 1, 1, 2],
      {
        gamma: new Float32Array([2, -1]),
        beta: new Float32Array([0.5, 0]),
        movingMean: new Float32Array([1, 0]),
        movingVariance: new Float32Array([3, 0]),
        epsilon: 1,
      },
      { bias: new Float32Array([0, 3]) },
    );
    expect(Array.from(f.scale)).toEqual([1, -1]);
    expect(Array.from(f.weights)).toEqual([1, -2]);
    expect(Array.from(f.bias)).toEqual([-0.5, -3]);
  });

  it('conv then BN equals the folded conv on [1,1,4,3] (per output channel affine)', () => {
    const rng = new Rng(7);
    const w = randn(rng, 12);
    const bn = {
      gamma: randn(rng, 3),
      beta: randn(rng, 3),
      movingMean: randn(rng, 3),
      movingVariance: Float32Array.from([0.5, 2, 0.1]),
    };
    const x = randn(rng, 4);
    const f = foldBatchNorm(w, [1, 1, 4, 3], bn);
    for (let k = 0; k < 3; k++) {
      let y = 0;
      let yf = 0;
      for (let c = 0; c < 4; c++) {
        y += (x[c] as number) * (w[c * 3 + k] as number);
        yf += (x[c] as number) * (f.weights[c * 3 + k] as number);
      }
      const ref =
        ((bn.gamma[k] as number) * (y - (bn.movingMean[k] as number))) /
          Math.sqrt((bn.movingVariance[k] as number) + 1e-3) +
        (bn.beta[k] as number);
      expect(yf + (f.bias[k] as number)).toBeCloseTo(ref, 5);
    }
  });

  it('depthwise BN channels are (c, m) pairs', () => {
    const f = foldBatchNorm(
      new Float32Array([1, 1, 1, 1]),
      [1, 1, 2, 2],
      {
        gamma: new Float32Array([1, 2, 3, 4]),
        beta: new Float32Array(4),
        movingMean: new Float32Array(4),
        movingVariance: new Float32Array([1, 1, 1, 1]),
        epsilon: 0,
      },
      { depthwise: true },
    );
    expect(Array.from(f.weights)).toEqual([1, 2, 3, 4]);
  });
});

describe('AC-13 BN-fold invariance', () => {
  for (const seed of [1, 2, 3]) {
    it(`gbp and krp masks on [3,3,16,8] are equal before and after folding (seed ${seed})`, () => {
      const rng = new Rng(seed);
      const shape = [3, 3, 16, 8];
      const w = randn(rng, 3 * 3 * 16 * 8);
      const gamma = Float32Array.from({ length: 8 }, (_, k) => (k % 3 === 0 ? -1 : 1) * (0.1 + rng.next() * 2));
      expect(gamma.some((g) => g < 0)).toBe(true);
      const bn = {
        gamma,
        beta: randn(rng, 8),
        movingMean: randn(rng, 8),
        movingVariance: Float32Array.from({ length: 8 }, () => 0.01 + rng.next() * 3),
      };
      const folded = foldBatchNorm(w, shape, bn).weights;
      for (const groupShape of ['vector', 'block'] as const) {
        const before = groupBalancedMask(w, shape, { groupSize: 8, ratio: 0.75, groupShape }).mask;
        const after = groupBalancedMask(folded, shape, { groupSize: 8, ratio: 0.75, groupShape }).mask;
        expect(after).toEqual(before);
      }
      for (const rowsKept of [1, 2]) {
        expect(kernelRowMask(folded, shape, { rowsKept }).mask).toEqual(kernelRowMask(w, shape, { rowsKept }).mask);
      }
    });
  }
});
