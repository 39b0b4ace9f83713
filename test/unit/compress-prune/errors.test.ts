import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import {
  filterMask,
  groupBalancedMask,
  keepFromRatio,
  keepSchedule,
  kernelRowMask,
  magnitudeMask,
  pruneModel,
  gradualMagnitude,
} from '../../../src/compress/prune/index.js';
import { foldBatchNorm } from '../../../src/compress/bn-fold.js';
import { layerStorage, modelStorage } from '../../../src/compress/storage.js';
import { tinyModel } from './model-fixture.js';

const w16 = new Float32Array(16);

describe('bad parameters are rejected naming param, value and allowed range', () => {
  it('ratio >= 1 or < 0', () => {
    expect(() => keepFromRatio(1, 16)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: keepFromRatio: ratio = 1 is not a number in [0, 1)]`,
    );
    expect(() => magnitudeMask(w16, -0.1)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: magnitudeMask: ratio = -0.1 is not a number in [0, 1)]`,
    );
    expect(() => filterMask(w16, [4, 4], NaN)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: filterMask: ratio = NaN is not a number in [0, 1)]`,
    );
  });
  it('group size < 1 or not an integer, keep out of range', () => {
    expect(() => keepFromRatio(0.5, 0)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: keepFromRatio: groupSize = 0 is not an integer >= 1]`,
    );
    expect(() =>
      groupBalancedMask(w16, [1, 1, 8, 2], { groupSize: 2.5, ratio: 0.5 }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: groupBalancedMask: groupSize = 2.5 is not an integer >= 1]`);
    expect(() => groupBalancedMask(w16, [1, 1, 8, 2], { groupSize: 4, keep: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: groupBalancedMask: keep = 0 is not an integer in [1, 4] (groupSize = 4)]`,
    );
    expect(() =>
      groupBalancedMask(w16, [1, 1, 8, 2], { groupSize: 4, keep: 2, ratio: 0.5 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: groupBalancedMask: keep/ratio = 2/0.5 is not exactly one of keep or ratio]`,
    );
    expect(() =>
      groupBalancedMask(w16, [1, 1, 8, 2], { groupSize: 4, ratio: 0.5, groupShape: 'diagonal' as 'block' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: groupBalancedMask: groupShape = diagonal is not one of vector, block, flat, taps]`,
    );
    expect(() => keepSchedule(16, 16)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: keepSchedule: pruned = 16 is not an integer in [0, 15]]`,
    );
  });
  it('shapes that do not match the weights', () => {
    expect(() => groupBalancedMask(w16, [1, 1, 8, 3], { groupSize: 4, keep: 2 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: groupBalancedMask: weights of length 16 do not match shape [1, 1, 8, 3] (expected rank 2 or 4 with positive dims whose product is the length)]`,
    );
    expect(() => kernelRowMask(w16, [1, 1, 8, 2])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kernelRowMask: kernelH = 1 is not an integer in [2, 32] (a 1-row kernel cannot be row-pruned)]`,
    );
  });
  it('KRP rows kept, gradual ratios going backwards', () => {
    expect(() => kernelRowMask(new Float32Array(9), [3, 3, 1, 1], { rowsKept: 3 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: kernelRowMask: rowsKept = 3 is not one of 1, 2]`,
    );
    expect(() => gradualMagnitude(w16, [0.5, 0.25])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: gradualMagnitude: ratios[1] = 0.25 is not a ratio >= the previous one (0.5)]`,
    );
  });
  it('storage bit widths 1 and 33, clusters 0, KRP on a 1x1 kernel', () => {
    expect(() =>
      layerStorage([4, 4], { values: { kind: 'fixed', bits: 1 }, sparsity: { kind: 'dense' } }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: valueWidth: bits = 1 is not an integer in [2, 32]]`);
    expect(() =>
      layerStorage([4, 4], { values: { kind: 'fixed', bits: 33 }, sparsity: { kind: 'dense' } }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: valueWidth: bits = 33 is not an integer in [2, 32]]`);
    expect(() =>
      layerStorage([4, 4], { values: { kind: 'clustered', clusters: 0 }, sparsity: { kind: 'dense' } }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: valueWidth: clusters = 0 is not an integer >= 1]`);
    expect(() =>
      layerStorage([1, 1, 4, 4], { values: { kind: 'fixed', bits: 4 }, sparsity: { kind: 'krp' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: layerStorage: shape = [1,1,4,4] is not a rank-4 kernel with kernelH > rowsKept (1)]`,
    );
    expect(() => modelStorage([], { baselineBits: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: modelStorage: baselineBits = 1 is not an integer in [2, 32]]`,
    );
  });
  it('model-level: unknown method, unknown layer names, missing weights', () => {
    const m = tinyModel();
    expect(() => pruneModel(m, { method: 'random', ratio: 0.5 } as never)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: pruneModel: method = random is not one of magnitude, group-balanced, kernel-row, filter]`,
    );
    expect(() =>
      pruneModel(m, { method: 'magnitude', ratio: 0.5, skip: ['conv9'] }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: pruneModel: skip = conv9 is not a layer name of the model]`);
    expect(() =>
      pruneModel(m, { method: 'group-balanced', ratio: 0.5, fcRatio: 1.5 }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: pruneModel: fcRatio = 1.5 is not a number in [0, 1)]`);
    expect(() =>
      pruneModel({ layers: m.layers, weights: new Map() }, { method: 'magnitude', ratio: 0.5 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: pruneModel: layer conv1 needs weights of length 216 (shape [3, 3, 3, 8]), got none]`,
    );
  });
  it('BN fold: vector lengths and non-positive variance', () => {
    const bn = {
      gamma: new Float32Array(2),
      beta: new Float32Array(2),
      movingMean: new Float32Array(2),
      movingVariance: new Float32Array(2),
    };
    expect(() => foldBatchNorm(w16, [8, 2], { ...bn, gamma: new Float32Array(3) })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: foldBatchNorm: gamma has length 3, expected 2 output channels]`,
    );
    expect(() => foldBatchNorm(w16, [8, 2], { ...bn, epsilon: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: foldBatchNorm: movingVariance[0] + epsilon = 0 is not a number > 0]`,
    );
  });
  it('errors are HwsweepError with code and context', () => {
    try {
      keepFromRatio(1.2, 8);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HwsweepError);
      expect((e as HwsweepError).code).toBe('INVALID_ARGUMENT');
      expect((e as HwsweepError).context).toEqual({ param: 'ratio', value: '1.2', allowed: 'a number in [0, 1)' });
    }
  });
});
