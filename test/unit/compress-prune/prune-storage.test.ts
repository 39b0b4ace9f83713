import { describe, expect, it } from 'vitest';
import { prunedModelStorage, sparsityFor } from '../../../src/compress/prune-storage.js';
import { pruneModel } from '../../../src/compress/prune/index.js';
import { layerStorage } from '../../../src/compress/storage.js';
import { tinyModel } from './model-fixture.js';

const model = tinyModel(3);
const fixed8 = { kind: 'fixed', bits: 8 } as const;

describe('prunedModelStorage', () => {
  it('GBP layers are stored balanced, skipped layers dense, totals add up', () => {
    const res = pruneModel(model, { method: 'group-balanced', ratio: 0.75, groupSize: 8 });
    const st = prunedModelStorage(model.layers, res, fixed8, { baselineBits: 16 });
    const row = Object.fromEntries(st.layers.map((l) => [l.name, l]));
    expect(row.conv1!.format).toBe('dense+fixed8');
    expect(row.conv1!.totalBits).toBe(216 * 8);
    // conv2: 1440 weights, 360 kept, 8 + 3 bits each
    expect(row.conv2).toMatchObject({ format: 'balanced(g=8)+fixed8', totalBits: 360 * 11 });
    expect(st.totalBits).toBe(st.layers.reduce((s, l) => s + l.totalBits, 0));
    expect(st.ratioVsBaseline).toBeCloseTo((16 * st.weights) / st.totalBits, 12);
  });

  it('KRP + 4-bit on 3x3 kernels is 3*4+2 bits per kernel; FC magnitude uses relative indices', () => {
    const res = pruneModel(model, { method: 'kernel-row', ratio: 0.9 });
    const st = prunedModelStorage(model.layers, res, { kind: 'fixed', bits: 4 });
    const row = Object.fromEntries(st.layers.map((l) => [l.name, l]));
    expect(row.conv2!.totalBits).toBe(8 * 20 * 14);
    expect(row.pw4!.format).toBe('dense+fixed4');
    const fc1 = model.layers[4]!;
    expect(row.fc1!.totalBits).toBe(
      layerStorage(
        fc1.weightShape,
        { values: { kind: 'fixed', bits: 4 }, sparsity: { kind: 'irregular', index: 'relative' } },
        res.masks.get('fc1'),
      ).totalBits,
    );
  });

  it('block GBP positions index the R*S*g block; filter adds one bit per channel; clustered per layer', () => {
    const block = pruneModel(model, { method: 'group-balanced', ratio: 0.5, groupSize: 8, groupShape: 'block' });
    const conv2 = model.layers[1]!;
    expect(sparsityFor(conv2, block.report.layers[1]!)).toEqual({ kind: 'balanced', groupSize: 72 });
    const filt = pruneModel(model, { method: 'filter', ratio: 0.5 });
    const st = prunedModelStorage(model.layers, filt, (l) => ({
      kind: 'clustered',
      clusters: l.kind === 'fc' ? 4 : 16,
    }));
    const row = Object.fromEntries(st.layers.map((l) => [l.name, l]));
    expect(row.conv2).toMatchObject({
      format: 'filter+clustered(K=16)',
      valueBits: 720 * 5,
      countBits: 20,
      codebookBits: 16 * 32,
    });
    expect(row.fc2).toMatchObject({ format: 'dense+clustered(K=4)', totalBits: 240 * 3 + 4 * 32 });
  });
});
