import { describe, expect, it } from 'vitest';
import { resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import { layerStorage } from '../../../src/compress/storage.js';
import type { StorageFormat } from '../../../src/compress/storage.js';
import { layerSimulationRows, simulationRow } from '../../../src/trial/simulate.js';
import { balancedMask, conv, fc, randomMask } from './helpers.js';

const fixed8 = { kind: 'fixed', bits: 8 } as const;

/** Keeps one random kernel row of every 3x3 kernel (HWIO `[3,3,C,K]`). */
function krpMask(C: number, K: number, seed: number): Uint8Array {
  const m = new Uint8Array(9 * C * K);
  for (let c = 0; c < C; c++)
    for (let k = 0; k < K; k++) {
      const row = (c * 7 + k * 3 + seed) % 3;
      for (let j = 0; j < 3; j++) m[((row * 3 + j) * C + c) * K + k] = 1;
    }
  return m;
}

describe('one storage-bit model for compression accounting and the simulator', () => {
  const l = conv('c', 6, 6, 32, 16, 3, 1, 1);
  const shape = l.weightShape;

  it('unstructured masks: the simulator infers relative indices and counts what the accounting counts', () => {
    const mask = randomMask(9 * 32 * 16, 0.3, 4);
    const sim = simulateNetwork([l], new Map([['c', { mask }]]), resolveHardware('kang-cx')).layers[0]!;
    const acc = layerStorage(shape, { values: fixed8, sparsity: { kind: 'irregular', index: 'relative' } }, mask);
    expect(sim.storageBits).toBe(acc.totalBits);
    expect(sim.extra['format']).toBe(acc.format);
  });

  it('a format given by the trial (group-count) is used as is, on every sparse engine', () => {
    const mask = randomMask(9 * 32 * 16, 0.3, 5);
    const sparsity = { kind: 'irregular', index: 'group-count', groupSize: 8 } as const;
    const acc = layerStorage(shape, { values: fixed8, sparsity }, mask);
    for (const hw of ['kang-cx', 'lixiao-fpga', 'kcnn', 'krp-fpga'])
      expect(
        simulateNetwork([l], new Map([['c', { mask, sparsity }]]), resolveHardware(hw)).layers[0]!.storageBits,
      ).toBe(acc.totalBits);
  });

  it('balanced masks, kernel-row masks and cluster codes agree too', () => {
    const bal = balancedMask(9, 32, 16, 16, 4, 2);
    expect(
      simulateNetwork([l], new Map([['c', { mask: bal }]]), resolveHardware('kang-lowcplx')).layers[0]!.storageBits,
    ).toBe(layerStorage(shape, { values: fixed8, sparsity: { kind: 'balanced', groupSize: 16 } }, bal).totalBits);
    const krp = krpMask(32, 16, 1);
    expect(
      simulateNetwork([l], new Map([['c', { mask: krp }]]), resolveHardware('krp-fpga')).layers[0]!.storageBits,
    ).toBe(layerStorage(shape, { values: fixed8, sparsity: { kind: 'krp' } }, krp).totalBits);
    const codes = new Uint16Array(9 * 32 * 16).map((_, i) => i % 17);
    const f: StorageFormat = { values: { kind: 'clustered', clusters: 16 }, sparsity: { kind: 'dense' } };
    expect(
      simulateNetwork([l], new Map([['c', { weightCodes: codes, weightClusters: 16 }]]), resolveHardware('kcnn'))
        .layers[0]!.storageBits,
    ).toBe(layerStorage(shape, f).totalBits);
  });

  it('krp-fpga stores FC sparsity: FC pruning 0.9 and 0.95 give different whole-net storage', () => {
    const net = [l, fc('fc', 512, 256)];
    const hw = resolveHardware('krp-fpga');
    const bits = (keep: number) =>
      simulateNetwork(
        net,
        new Map([
          ['c', { mask: krpMask(32, 16, 3) }],
          ['fc', { mask: randomMask(512 * 256, keep, 7) }],
        ]),
        hw,
      ).totals.storageBits;
    expect(bits(0.05)).toBeLessThan(bits(0.1));
    expect(bits(0.1)).toBeLessThan(0.25 * 512 * 256 * 8);
  });

  it('dense machines store every weight whatever the mask', () => {
    const mask = randomMask(9 * 32 * 16, 0.3, 6);
    const s = simulateNetwork([l], new Map([['c', { mask, weightBits: 8 }]]), resolveHardware('zhu-array')).layers[0]!;
    expect(s.storageBits).toBe(9 * 32 * 16 * 8);
  });
});

describe('report -> database rows (src/trial/simulate.ts)', () => {
  it('copies the speedup split into the factor columns and the per-layer reference', () => {
    const l = conv('c', 6, 6, 32, 16, 3, 1, 1);
    const r = simulateNetwork(
      [l, fc('fc', 64, 10)],
      new Map([['c', { mask: balancedMask(9, 32, 16, 16, 4, 1), weightBits: 4 }]]),
      resolveHardware('kang-cx'),
    );
    const row = simulationRow('kang-cx', r);
    expect(row.speedup).toBe(r.speedup.speedup);
    expect(row.computeSpeedup).toBe(r.speedup.computeSpeedup);
    expect([
      row.bitWidthFactor,
      row.weightSparsityFactor,
      row.activationSkipFactor,
      row.clusteringFactor,
      row.memoryFactor,
    ]).toEqual([
      r.speedup.factors.bitWidth,
      r.speedup.factors.weightSparsity,
      r.speedup.factors.activationSkipping,
      r.speedup.factors.clustering,
      r.speedup.factors.memory,
    ]);
    expect(row.referenceCycles).toBe(r.totals.referenceCycles);
    expect(row.storageBits).toBe(r.totals.storageBits);
    const layers = layerSimulationRows(r);
    expect(layers.map((x) => x.layer)).toEqual(['c', 'fc']);
    expect(layers[0]!.speedup).toBeCloseTo(r.layers[0]!.referenceCycles / r.layers[0]!.totalCycles, 12);
    expect(layers[1]!.speedup).toBe(1);
    expect(JSON.stringify(row)).not.toMatch(/NaN|Infinity/);
  });
});
