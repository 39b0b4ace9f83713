import { describe, expect, it } from 'vitest';
import {
  assignCodes,
  clusterTensor,
  decodeTensor,
  kcnnConvModeW,
  kcnnConvModeWA,
  snapToCentroids,
  type ConvGeometry,
} from '../../../src/compress/cluster/index.js';
import { Rng } from '../../../src/shared/rng.js';

/** Independent naive dense conv: NHWC `[1,H,W,C]` input, HWIO kernel, zero padding, float64. */
function denseConv(x: ArrayLike<number>, w: ArrayLike<number>, g: Required<ConvGeometry>): number[] {
  const Ho = Math.floor((g.inH + g.padTop + g.padBottom - g.kernelH) / g.strideH) + 1;
  const Wo = Math.floor((g.inW + g.padLeft + g.padRight - g.kernelW) / g.strideW) + 1;
  const y: number[] = [];
  for (let ho = 0; ho < Ho; ho++)
    for (let wo = 0; wo < Wo; wo++)
      for (let k = 0; k < g.outC; k++) {
        let s = 0;
        for (let i = 0; i < g.kernelH; i++)
          for (let j = 0; j < g.kernelW; j++)
            for (let c = 0; c < g.inC; c++) {
              const h = ho * g.strideH + i - g.padTop;
              const ww = wo * g.strideW + j - g.padLeft;
              if (h < 0 || h >= g.inH || ww < 0 || ww >= g.inW) continue;
              s +=
                (x[(h * g.inW + ww) * g.inC + c] as number) *
                (w[((i * g.kernelW + j) * g.inC + c) * g.outC + k] as number);
            }
        y.push(s);
      }
  return y;
}

describe('AC-8 KCNN equality and counts', () => {
  // kernel [2,2,1,1] = [[0.5,-1],[0.5,0]], input [1,3,3,1] = [[1,2,0],[2,1,1],[0,2,2]], VALID
  const kernel = Float32Array.from([0.5, -1, 0.5, 0]);
  const input = Float32Array.from([1, 2, 0, 2, 1, 1, 0, 2, 2]);
  const geo: ConvGeometry = { inH: 3, inW: 3, inC: 1, kernelH: 2, kernelW: 2, outC: 1 };
  const wt = clusterTensor(kernel, [2, 2, 1, 1], 2);
  const aCentroids = Float64Array.from([1, 2]);
  const act = { codes: assignCodes(input, aCentroids), centroids: aCentroids };

  it('weight clusters are {-1, 0.5} and activation clusters {1, 2}', () => {
    expect(Array.from(wt.codebooks[0]!)).toEqual([-1, 0.5]);
    expect(Array.from(wt.codes)).toEqual([2, 1, 2, 0]);
    expect(Array.from(act.codes)).toEqual([1, 2, 0, 2, 1, 1, 0, 2, 2]);
  });

  it('dense, Mode W and Mode WA all give [[-0.5, 1.5], [0, 0.5]]', () => {
    const full = { strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, ...geo };
    expect(denseConv(input, kernel, full)).toEqual([-0.5, 1.5, 0, 0.5]);
    const w = kcnnConvModeW(input, wt, geo);
    expect(Array.from(w.y)).toEqual([-0.5, 1.5, 0, 0.5]);
    const wa = kcnnConvModeWA(act, wt, geo);
    expect(Array.from(wa.y)).toEqual([-0.5, 1.5, 0, 0.5]);
  });

  it('counts: dense 16, zero weights skipped 12, Σ|S_o| = 10, Mode W 7 multiplications + 10 bucket additions, Mode WA 4 + 10', () => {
    const w = kcnnConvModeW(input, wt, geo).counts;
    expect(w).toEqual({
      denseMultiplications: 16,
      nonZeroWeightMultiplications: 12,
      effectualTaps: 10,
      multiplications: 7,
      accumulateAdditions: 10,
      combineAdditions: 7,
    });
    const wa = kcnnConvModeWA(act, wt, geo);
    expect(wa.counts).toEqual({
      denseMultiplications: 16,
      nonZeroWeightMultiplications: 12,
      effectualTaps: 10,
      multiplications: 4,
      accumulateAdditions: 10,
      combineAdditions: 0,
    });
    // T = [[0.5, 1], [-1, -2]] in METHODS' order (w = 0.5 first); our codebook is ascending, so rows are [-1, 0.5]
    expect(Array.from(wa.tables[0]!)).toEqual([-1, -2, 0.5, 1]);
  });
});

describe('Mode W / Mode WA on random layers equal the dense conv of clustered operands', () => {
  it('conv [3,3,4,5] on [1,7,6,4], stride 2, SAME-like padding, per-channel codebooks, K_w = 4, K_a = 3', () => {
    const rng = new Rng(12);
    const g = {
      inH: 7,
      inW: 6,
      inC: 4,
      kernelH: 3,
      kernelW: 3,
      outC: 5,
      strideH: 2,
      strideW: 2,
      padTop: 1,
      padBottom: 1,
      padLeft: 0,
      padRight: 1,
    };
    const w = Float32Array.from({ length: 3 * 3 * 4 * 5 }, () => (rng.next() < 0.3 ? 0 : rng.normal()));
    const x = Float32Array.from({ length: 7 * 6 * 4 }, () => Math.max(0, rng.normal()));
    const wt = clusterTensor(w, [3, 3, 4, 5], 4, { granularity: 'channel' });
    const wq = decodeTensor(wt);
    const rW = kcnnConvModeW(x, wt, g);
    const ref = denseConv(x, wq, g);
    expect(rW.y.length).toBe(ref.length);
    rW.y.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 10));
    const ac = Float64Array.from([0.3, 0.9, 1.8]);
    const rWA = kcnnConvModeWA({ codes: assignCodes(x, ac), centroids: ac }, wt, g);
    const refA = denseConv(snapToCentroids(x, ac), wq, g);
    rWA.y.forEach((v, i) => expect(v).toBeCloseTo(refA[i]!, 5));
    // counts are consistent: B_o <= K_w per output, |S_o| <= nonzero-weight taps
    expect(rW.counts.multiplications).toBeLessThanOrEqual(rW.y.length * 4);
    expect(rW.counts.effectualTaps).toBeLessThanOrEqual(rW.counts.nonZeroWeightMultiplications);
    expect(rWA.counts.multiplications).toBe(wt.codebooks.reduce((s, b) => s + b.length * 3, 0));
    expect(rWA.counts.effectualTaps).toBe(rW.counts.effectualTaps);
  });

  it('rejects mismatched shapes', () => {
    expect(() =>
      kcnnConvModeW(
        new Float32Array(8),
        { codes: new Uint8Array(4), codebooks: [[1]] },
        { inH: 3, inW: 3, inC: 1, kernelH: 2, kernelW: 2, outC: 1 },
      ),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: kcnnConvModeW: x.length = 8 is not H·W·C = 9]`);
  });
});
