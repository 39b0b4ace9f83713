import { describe, expect, it } from 'vitest';
import { countKept, pruneCount, pruneModel } from '../../../src/compress/prune/index.js';
import type { PruneResult } from '../../../src/compress/prune/index.js';
import { tinyModel } from './model-fixture.js';

const model = tinyModel();

function byName(res: PruneResult) {
  return Object.fromEntries(res.report.layers.map((l) => [l.name, l]));
}

function expectReportMatchesMasks(res: PruneResult): void {
  let zeros = 0;
  let total = 0;
  for (const l of res.report.layers) {
    const m = res.masks.get(l.name)!;
    expect(m.length).toBe(l.total);
    expect(countKept(m)).toBe(l.kept);
    expect(l.achievedRatio).toBeCloseTo((m.length - countKept(m)) / m.length, 12);
    zeros += m.length - countKept(m);
    total += m.length;
  }
  expect(res.report.overall.total).toBe(total);
  expect(res.report.overall.achievedRatio).toBeCloseTo(zeros / total, 12);
}

describe('pruneModel', () => {
  it('magnitude per layer prunes rna(r*N) of every layer', () => {
    const res = pruneModel(model, { method: 'magnitude', ratio: 0.7 });
    for (const l of res.report.layers) {
      expect(l.applied).toBe('magnitude');
      expect(l.total - l.kept).toBe(pruneCount(0.7, l.total));
    }
    expectReportMatchesMasks(res);
    expect(res.report.skipped).toEqual([]);
  });

  it('magnitude global prunes rna(r*ΣN) in total with uneven layer ratios', () => {
    const res = pruneModel(model, { method: 'magnitude', ratio: 0.6, scope: 'global', skip: ['fc2'] });
    const active = res.report.layers.filter((l) => l.name !== 'fc2');
    const total = active.reduce((s, l) => s + l.total, 0);
    expect(active.reduce((s, l) => s + l.total - l.kept, 0)).toBe(pruneCount(0.6, total));
    expect(byName(res).fc2).toMatchObject({ applied: 'none', kept: 240, skipped: 'listed in skip' });
    expectReportMatchesMasks(res);
  });

  it('magnitude lastFcRatio prunes the classifier on its own, outside the global threshold', () => {
    const res = pruneModel(model, { method: 'magnitude', ratio: 0.8, scope: 'global', lastFcRatio: 0.5 });
    const l = byName(res);
    expect(l.fc2).toMatchObject({ applied: 'magnitude', requestedRatio: 0.5, kept: 120 });
    const active = res.report.layers.filter((x) => x.name !== 'fc2');
    const total = active.reduce((s, x) => s + x.total, 0);
    expect(active.reduce((s, x) => s + x.total - x.kept, 0)).toBe(pruneCount(0.8, total));
    const krp = pruneModel(model, { method: 'kernel-row', ratio: 0.9, lastFcRatio: 0.25 });
    expect(byName(krp).fc2).toMatchObject({ requestedRatio: 0.25, kept: 180 });
    expect(byName(krp).fc1).toMatchObject({ requestedRatio: 0.9 });
  });

  it('group-balanced g=8 skips the RGB conv and depthwise by default and reports why', () => {
    const res = pruneModel(model, { method: 'group-balanced', ratio: 0.75, groupSize: 8, lastFcRatio: 0.5 });
    const l = byName(res);
    expect(res.report.skipped).toEqual([
      { name: 'conv1', reason: 'inC = 3 < groupSize = 8 (firstLayerPolicy: skip)' },
      { name: 'dw3', reason: 'depthwise (depthwisePolicy: skip)' },
    ]);
    expect(l.conv2).toMatchObject({ applied: 'gbp-vector', keepPerFullGroup: 2, achievedRatio: 0.75 });
    // pw4: C = 20 -> groups of 8, 8, 4; pad keeps 2, 2, 2 -> 6 of 20 per output channel
    expect(l.pw4).toMatchObject({ applied: 'gbp-vector', kept: 6 * 16 });
    expect(l.fc1).toMatchObject({ applied: 'gbp-vector', achievedRatio: 0.75 });
    expect(l.fc2).toMatchObject({
      applied: 'gbp-vector',
      requestedRatio: 0.5,
      keepPerFullGroup: 4,
      achievedRatio: 0.5,
    });
    expect(res.report.requestedRatio).toBe(0.75);
    expect(res.report.overall.achievedRatio).toBeLessThan(0.75);
    expectReportMatchesMasks(res);
  });

  it('group-balanced policies: flat first layer, taps depthwise, block shape, keep count', () => {
    const res = pruneModel(model, {
      method: 'group-balanced',
      ratio: 0.5,
      groupSize: 4,
      keep: 3,
      firstLayerPolicy: 'flat',
      depthwisePolicy: 'taps',
      groupShape: 'block',
      fcPolicy: 'dense',
    });
    const l = byName(res);
    // conv1: 27 flattened (i,j,c) positions per output channel -> 6 groups of 4 (keep 3) + 1 of 3 (pad: keep 3)
    expect(l.conv1).toMatchObject({ applied: 'gbp-flat', keepPerFullGroup: 3, requestedRatio: null, kept: 21 * 8 });
    // dw3: 9 taps per channel -> groups 4, 4, 1 keep 3, 3, 1
    expect(l.dw3).toMatchObject({ applied: 'gbp-taps', kept: 7 * 20 });
    // conv2: blocks of 3*3*4 = 36 weights keep 3*9 = 27
    expect(l.conv2).toMatchObject({
      applied: 'gbp-block',
      fullGroupSize: 36,
      keepPerFullGroup: 27,
      achievedRatio: 0.25,
    });
    expect(l.fc1).toMatchObject({ applied: 'none', skipped: 'fc (fcPolicy: dense)' });
    expectReportMatchesMasks(res);
  });

  it('kernel-row keeps one row of 3x3 kernels, prunes FC by magnitude, leaves 1x1 dense', () => {
    const res = pruneModel(model, { method: 'kernel-row', ratio: 0.9 });
    const l = byName(res);
    for (const n of ['conv1', 'conv2', 'dw3']) expect(l[n]).toMatchObject({ applied: 'kernel-row', rowsKept: 1 });
    expect(l.conv2!.achievedRatio).toBeCloseTo(2 / 3, 12);
    expect(l.pw4).toMatchObject({ applied: 'none', skipped: 'kernelH = 1 (single row; pointwisePolicy: dense)' });
    expect(l.fc1).toMatchObject({ applied: 'magnitude', requestedRatio: 0.9, kept: 1536 - pruneCount(0.9, 1536) });
    expect(res.keptRows.get('conv2')!.length).toBe(8 * 20);
    expect(res.report.conv.total).toBe(216 + 1440 + 180 + 320);
    expectReportMatchesMasks(res);
  });

  it('kernel-row options: unstructured 1x1, krpDepthwise off, separate fc ratio', () => {
    const res = pruneModel(model, {
      method: 'kernel-row',
      ratio: 0.5,
      fcRatio: 0.8,
      pointwisePolicy: 'unstructured',
      krpDepthwise: false,
      rowsKept: 2,
    });
    const l = byName(res);
    expect(l.pw4).toMatchObject({ applied: 'magnitude', requestedRatio: 0.5, kept: 160 });
    expect(l.dw3).toMatchObject({ applied: 'none' });
    expect(l.conv2!.achievedRatio).toBeCloseTo(1 / 3, 12);
    expect(l.fc2).toMatchObject({ requestedRatio: 0.8 });
  });

  it('filter pruning never removes the classes of the last fc', () => {
    const res = pruneModel(model, { method: 'filter', ratio: 0.5, layerRatios: { conv2: 0.25 } });
    const l = byName(res);
    expect(l.fc2).toMatchObject({ applied: 'none', skipped: 'last fc (its output units are the classes)' });
    expect(l.conv2).toMatchObject({ applied: 'filter', prunedChannels: 5, achievedRatio: 0.25 });
    expect(l.fc1).toMatchObject({ prunedChannels: 12 });
    expectReportMatchesMasks(res);
  });

  it('prevMasks make a second call monotone', () => {
    const first = pruneModel(model, { method: 'group-balanced', ratio: 0.5, groupSize: 4 });
    const second = pruneModel(model, { method: 'group-balanced', ratio: 0.75, groupSize: 4, prevMasks: first.masks });
    for (const [name, m] of second.masks) {
      const p = first.masks.get(name)!;
      for (let i = 0; i < m.length; i++) if (!p[i]) expect(m[i]).toBe(0);
    }
  });

  it('does not modify the weights', () => {
    const copy = new Map([...model.weights].map(([k, v]) => [k, v.slice()]));
    pruneModel(model, { method: 'magnitude', ratio: 0.9, scope: 'global' });
    pruneModel(model, { method: 'kernel-row', ratio: 0.9 });
    for (const [k, v] of model.weights) expect(v).toEqual(copy.get(k));
  });
});
