import { describe, expect, it } from 'vitest';
import { ceilLog2, layerStorage, modelStorage } from '../../../src/compress/storage.js';
import type { StorageFormat } from '../../../src/compress/storage.js';

/** Mask of a `[1,1,8,2]` kernel from per-output-channel bit strings (c = 0..7). */
function maskOf(out0: string, out1: string): Uint8Array {
  const m = new Uint8Array(16);
  for (let c = 0; c < 8; c++) {
    m[c * 2] = Number(out0[c]);
    m[c * 2 + 1] = Number(out1[c]);
  }
  return m;
}

const fixed8 = { kind: 'fixed', bits: 8 } as const;

describe('storage accounting (§1.6)', () => {
  it('AC-9 weights: dense 128, balanced 80, irregular 92 bits (8-bit, g=4)', () => {
    const shape = [1, 1, 8, 2];
    expect(layerStorage(shape, { values: fixed8, sparsity: { kind: 'dense' } }).totalBits).toBe(128);
    const balanced = layerStorage(
      shape,
      { values: fixed8, sparsity: { kind: 'balanced', groupSize: 4 } },
      maskOf('11001010', '01100011'),
    );
    expect(balanced).toMatchObject({ valueBits: 64, indexBits: 16, countBits: 0, totalBits: 80 });
    const irregular = layerStorage(
      shape,
      { values: fixed8, sparsity: { kind: 'irregular', index: 'group-count', groupSize: 4 } },
      maskOf('11110000', '00001111'),
    );
    expect(irregular).toMatchObject({ valueBits: 64, indexBits: 16, countBits: 12, totalBits: 92 });
  });

  it('fp32 dense is 32*N and a 3x3 KRP kernel with b bits is 3b+2 bits (20.6x at b=4, 26.2x at b=3)', () => {
    const shape = [3, 3, 1, 1];
    expect(layerStorage(shape, { values: { kind: 'float32' }, sparsity: { kind: 'dense' } }).totalBits).toBe(288);
    const k4 = layerStorage(shape, { values: { kind: 'fixed', bits: 4 }, sparsity: { kind: 'krp' } });
    const k3 = layerStorage(shape, { values: { kind: 'fixed', bits: 3 }, sparsity: { kind: 'krp' } });
    expect(k4.totalBits).toBe(14);
    expect(k3.totalBits).toBe(11);
    expect(Number((288 / k4.totalBits).toFixed(1))).toBe(20.6);
    expect(Number((288 / k3.totalBits).toFixed(1))).toBe(26.2);
    // 2 of 3 rows: C(3,2) = 3 choices -> still a 2-bit id
    expect(
      layerStorage(shape, { values: { kind: 'fixed', bits: 4 }, sparsity: { kind: 'krp', rowsKept: 2 } }).totalBits,
    ).toBe(26);
  });

  it('clustered: ceil(log2(K+1)) bits per weight + K*b_c codebook; per-channel codebooks multiply', () => {
    const shape = [3, 3, 4, 8]; // 288 weights
    const f: StorageFormat = { values: { kind: 'clustered', clusters: 16 }, sparsity: { kind: 'dense' } };
    expect(layerStorage(shape, f)).toMatchObject({
      valueBits: 288 * 5,
      codebookBits: 16 * 32,
      totalBits: 288 * 5 + 512,
    });
    const perChannel: StorageFormat = {
      values: { kind: 'clustered', clusters: 4, codebookBits: 16, codebooks: 8 },
      sparsity: { kind: 'dense' },
    };
    expect(layerStorage(shape, perChannel).totalBits).toBe(288 * 3 + 8 * 4 * 16);
  });

  it('clustered + balanced stores kept codes with in-group positions', () => {
    const mask = new Uint8Array(32).map((_, i) => (i % 4 === 0 ? 1 : 0)); // 8 kept of [1,1,16,2]
    const f: StorageFormat = {
      values: { kind: 'clustered', clusters: 7 },
      sparsity: { kind: 'balanced', groupSize: 8 },
    };
    expect(layerStorage([1, 1, 16, 2], f, mask).totalBits).toBe(8 * 3 + 8 * 3 + 7 * 32);
  });

  it('relative 4-bit indices insert a filler for every 16 skipped zeros', () => {
    const mask = new Uint8Array(40);
    mask[0] = 1; // gap 0
    mask[21] = 1; // gap 20 -> 1 filler
    mask[22] = 1; // gap 0
    mask[39] = 1; // gap 16 -> 1 filler
    const r = layerStorage([40, 1], { values: fixed8, sparsity: { kind: 'irregular', index: 'relative' } }, mask);
    expect(r.entries).toBe(6);
    expect(r.totalBits).toBe(6 * 12);
    const r3 = layerStorage(
      [40, 1],
      { values: fixed8, sparsity: { kind: 'irregular', index: 'relative', indexBits: 3 } },
      mask,
    );
    expect(r3.entries).toBe(4 + 2 + 2); // gaps 20 -> 2 fillers, 16 -> 2 fillers
  });

  it('model totals, ratio vs fp32 and vs a 16-bit baseline', () => {
    const m = modelStorage(
      [
        {
          name: 'conv',
          shape: [3, 3, 1, 1],
          format: { values: { kind: 'fixed', bits: 4 }, sparsity: { kind: 'krp' } },
        },
        { name: 'fc', shape: [10, 2], format: { values: fixed8, sparsity: { kind: 'dense' } } },
      ],
      { baselineBits: 16 },
    );
    expect(m.weights).toBe(29);
    expect(m.totalBits).toBe(14 + 160);
    expect(m.fp32Bits).toBe(29 * 32);
    expect(m.ratioVsFp32).toBeCloseTo(928 / 174, 12);
    expect(m.ratioVsBaseline).toBeCloseTo(464 / 174, 12);
    expect(m.layers.map((l) => l.format)).toEqual(['krp(rows=1)+fixed4', 'dense+fixed8']);
  });

  it('ceilLog2 is exact at powers of two', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16, 17, 2 ** 20, 2 ** 20 + 1].map(ceilLog2)).toEqual([
      0, 1, 2, 2, 3, 3, 4, 4, 5, 20, 21,
    ]);
  });
});
