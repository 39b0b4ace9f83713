import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { energyModels, lowerLayer, resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import { touchedExtent } from '../../../src/accel/workload.js';
import { denseMacs, weightCount } from '../../../src/shared/layer.js';
import { conv, fc as fcLayer, maskFromStrings } from './helpers.js';

describe('layer model', () => {
  it('native lowering agrees with the shared denseMacs/weightCount for conv, depthwise and fc', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(1, 3, 5),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<'conv' | 'depthwise' | 'fc'>('conv', 'depthwise', 'fc'),
        (hw, c, mult, k, s, kind) => {
          const l =
            kind === 'fc'
              ? fcLayer('f', c, c * mult)
              : conv('x', hw + k, hw + k, c, kind === 'depthwise' ? c * mult : c * mult, k, s, (k - 1) / 2, kind);
          const w = lowerLayer(l, 'native');
          expect(w.denseMacs).toBe(denseMacs(l));
          expect(w.weightElems).toBe(weightCount(l));
          expect(w.E).toBe(l.outH);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('depthwise is C GEMMs of K = kh*kw, N = multiplier; on a systolic array each costs its own folds', () => {
    const l = conv('dw', 8, 8, 32, 32, 3, 1, 1, 'depthwise');
    const w = lowerLayer(l, 'native');
    expect([w.groups, w.K, w.N, w.M]).toEqual([32, 9, 1, 64]);
    const s = simulateNetwork(
      [l],
      new Map(),
      resolveHardware({ name: 'ws8', engine: 'systolic', systolic: { rows: 8, cols: 8, dataflow: 'ws' } }),
    ).layers[0]!;
    // per channel: ceil(9/8) = 2 row folds x 1 col fold, P = 2*8 + 8 + 64 - 2 = 86
    expect(s.computeCycles).toBe(32 * (2 * 86 - 1));
  });

  it('depthwise on the group engine: lanes are channels, windows run along the taps', () => {
    const l = conv('dw', 4, 4, 16, 16, 3, 1, 1, 'depthwise');
    const hw = resolveHardware({ base: 'kang-cx', name: 'dw', group: { g: 9, m: 3, windowAxis: 'channel' } });
    const mask = new Uint8Array(9 * 16);
    for (let t = 0; t < 9; t++) for (let c = 0; c < 16; c++) mask[t * 16 + c] = t % 3 === 0 ? 1 : 0; // 3 taps kept per channel
    const s = simulateNetwork([l], new Map([['dw', { mask }]]), hw).layers[0]!;
    expect(s.computeCycles).toBe(16 * 1); // one window of 9 taps, 3 kept, m = 3
    expect(s.referenceComputeCycles).toBe(16 * 3);
    expect(s.loadImbalance).toBe(1);
  });

  it('grouped conv: tiles never straddle groups', () => {
    const l = { ...conv('g', 4, 4, 8, 8, 1), groups: 2, weightShape: [1, 1, 4, 8] };
    const w = lowerLayer(l, 'native');
    expect([w.groups, w.K, w.N]).toEqual([2, 4, 4]);
    const hw = resolveHardware({ base: 'kang-cx', name: 'g', group: { tk: 8, g: 4, m: 4, windowAxis: 'channel' } });
    const s = simulateNetwork([l], new Map(), hw).layers[0]!;
    expect(s.computeCycles).toBe(16 * 2); // two tiles (one per group) of one window each
    expect(s.utilization).toBe(0.5); // each tile uses 4 of 8 PEs
  });
});

describe('touched ifmap extent', () => {
  it('counts rows touched by windows, with gaps when stride > filter and clipping at the edge', () => {
    const brute = (H: number, f: number, s: number, E: number) => {
      const hit = new Set<number>();
      for (let e = 0; e < E; e++) for (let i = 0; i < f; i++) if (e * s + i < H) hit.add(e * s + i);
      return hit.size;
    };
    for (const [H, f, s] of [
      [10, 3, 1],
      [10, 1, 2],
      [11, 2, 3],
      [227, 11, 4],
      [8, 3, 2],
    ] as const) {
      const E = Math.ceil((H - f + s) / s);
      expect(touchedExtent(H, f, s, E)).toBe(brute(H, f, s, E));
    }
  });
});

describe('packing styles', () => {
  it('bitfusion packs both operands: pf = floor(B/ba)*floor(B/bw); dsp only the weight', () => {
    const l = conv('c', 6, 6, 64, 64, 3, 1, 1);
    const base = { name: 'p', engine: 'systolic', systolic: { rows: 16, cols: 16, dataflow: 'ws' } } as const;
    const bf = resolveHardware({ ...base, packing: { style: 'bitfusion', multiplierBits: 8, maxFactor: 16 } });
    const dsp = resolveHardware({ ...base, packing: { style: 'dsp', multiplierBits: 8, maxFactor: 16 } });
    const comp = new Map([['c', { weightBits: 4, activationBits: 4 }]]);
    expect(simulateNetwork([l], comp, bf).layers[0]!.packingFactor).toBe(4);
    expect(simulateNetwork([l], comp, dsp).layers[0]!.packingFactor).toBe(2);
    const r = simulateNetwork([l], comp, bf);
    // reference at the machine's 8-bit default packs 1 per 8-bit multiplier; 4-bit packs 4
    expect(r.speedup.computeSpeedup).toBeCloseTo(r.speedup.factors.bitWidth!, 12);
    expect(r.speedup.factors.bitWidth!).toBeGreaterThan(2);
  });
});

describe('energy', () => {
  it('every preset constant carries a source string', () => {
    for (const m of Object.values(energyModels))
      for (const [k, c] of Object.entries(m.constants)) {
        expect(c.source.length, `${m.name}.${k}`).toBeGreaterThan(10);
        expect(Number.isFinite(c.value)).toBe(true);
      }
  });
  it('horowitz45 on the AC-9 dense layer equals the hand sum of actions', () => {
    const l = conv('l', 2, 2, 8, 2, 1);
    const hw = resolveHardware({ name: 'e', engine: 'group', group: { tk: 2, g: 4, m: 4 } });
    const s = simulateNetwork([l], new Map(), hw).layers[0]!;
    const sramBit = (10 * Math.pow(65536 / 8192, 0.48)) / 64;
    // 64 8x8 multiplies at 0.2 pJ, 64 32-bit adds at 0.1 pJ; SRAM: 32 act + 64 wt reads + 8 out writes (bytes)
    expect(s.energyPj.compute).toBeCloseTo(64 * 0.2 + 64 * 0.1, 12);
    expect(s.energyPj.sram).toBeCloseTo((32 + 64 + 8) * 8 * sramBit, 9);
    expect(s.energyPj.dram).toBeCloseTo((448 / 8) * 8 * 20, 9);
    const m = maskFromStrings(['11001010', '01100011']);
    const sp = simulateNetwork([l], new Map([['l', { mask: m }]]), hw).layers[0]!;
    expect(sp.energyPj.compute).toBeCloseTo(32 * 0.3, 12);
  });
  it('eyeriss preset reports MAC-relative units', () => {
    const r = simulateNetwork([conv('l', 2, 2, 8, 2, 1)], new Map(), resolveHardware('kang-cx'), { energy: 'eyeriss' });
    expect(r.energyModel).toBe('eyeriss (MAC-relative)');
    expect(r.layers[0]!.energyPj.compute).toBe(64);
  });
});
