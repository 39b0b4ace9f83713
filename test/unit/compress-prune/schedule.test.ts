import { describe, expect, it } from 'vitest';
import {
  countKept,
  layerIterativeConfigs,
  pruneModel,
  gradualGroupBalanced,
  isMonotone,
  keepSchedule,
  ratioSchedule,
} from '../../../src/compress/prune/index.js';
import { tinyModel } from './model-fixture.js';

describe('gradual schedules', () => {
  it('§2.2 ratio schedule r_t = r*t/3', () => {
    expect(ratioSchedule(0.75)).toEqual([0.25, 0.5, 0.75]);
    expect(ratioSchedule(0.7, 1)).toEqual([0.7]);
  });
  it('§4.2 keep schedule p_t = ceil(t*p/T): g=16 p=12 T=4 gives 3, 6, 9, 12', () => {
    expect(keepSchedule(16, 12).map((s) => s.pruned)).toEqual([3, 6, 9, 12]);
    expect(keepSchedule(16, 12).map((s) => s.keep)).toEqual([13, 10, 7, 4]);
    expect(keepSchedule(8, 6, 4).map((s) => s.pruned)).toEqual([2, 3, 5, 6]);
  });
  it('gradual GBP on [3,3,32,4] follows the schedule with monotone masks', () => {
    const w = Float32Array.from({ length: 3 * 3 * 32 * 4 }, (_, i) => Math.sin(i * 0.77) * Math.cos(i * 0.13));
    const steps = keepSchedule(16, 12).map((s) => ({ keep: s.keep }));
    const res = gradualGroupBalanced(w, [3, 3, 32, 4], { groupSize: 16 }, steps);
    expect(res.map((r) => countKept(r.mask))).toEqual([13, 10, 7, 4].map((n) => n * 2 * 9 * 4));
    for (let t = 1; t < res.length; t++) expect(isMonotone(res[t - 1]!.mask, res[t]!.mask)).toBe(true);
  });
  it('a schedule that grows the keep count is rejected', () => {
    const w = new Float32Array(32);
    expect(() =>
      gradualGroupBalanced(w, [32, 1], { groupSize: 8 }, [{ keep: 2 }, { keep: 4 }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: gradualGroupBalanced: steps[1] = {"keep":4} is not a step keeping no more weights per group than the step before]`,
    );
  });
});

describe('layer-iterative KRP schedule', () => {
  it('step s prunes stages 0..s and skips the later ones', () => {
    const model = tinyModel(5);
    const names = model.layers.map((l) => l.name);
    const cfgs = layerIterativeConfigs(names, { method: 'kernel-row' as const, ratio: 0.5, skip: ['pw4'] }, [
      ['conv1'],
      ['conv2', 'dw3'],
      ['pw4', 'fc1', 'fc2'],
    ]);
    expect(cfgs.map((c) => c.skip)).toEqual([['pw4', 'conv2', 'dw3', 'fc1', 'fc2'], ['pw4', 'fc1', 'fc2'], ['pw4']]);
    const first = pruneModel(model, cfgs[0]!);
    expect(first.report.layers.filter((l) => l.applied !== 'none').map((l) => l.name)).toEqual(['conv1']);
    const last = pruneModel(model, { ...cfgs[2]!, prevMasks: first.masks });
    expect(isMonotone(first.masks.get('conv1')!, last.masks.get('conv1')!)).toBe(true);
  });
});
