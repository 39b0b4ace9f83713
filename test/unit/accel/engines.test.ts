import { describe, expect, it } from 'vitest';
import { resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import type { LayerCompression } from '../../../src/accel/index.js';
import { balancedMask, conv, fc, randomMask } from './helpers.js';

describe('AC-10 sub-word quantized engine', () => {
  // 64 MACs: fc 32 -> 2; 32 input activations.
  const layer = fc('fc', 32, 2);
  const hw = resolveHardware({
    name: 'ac10',
    engine: 'subword',
    weightBits: 16,
    activationBits: 16,
    packing: { style: 'dsp', multiplierBits: 16, maxFactor: 16 },
    subword: { pes: 2, datapathBits: 16, busBits: 32, cMem: 1, tCtrl: 0 },
  });
  for (const [b, cycles, words] of [
    [16, 32, 16],
    [8, 16, 8],
    [4, 8, 4],
  ] as const) {
    it(`b = ${b}: ${cycles} compute cycles, ${words} input words`, () => {
      const s = simulateNetwork([layer], new Map([['fc', { weightBits: b, activationBits: b }]]), hw).layers[0]!;
      expect(s.denseMacs).toBe(64);
      expect(s.computeCycles).toBe(cycles);
      expect(s.extra['inputWords']).toBe(words);
      expect(s.packingFactor).toBe(16 / b);
    });
  }
  it('b = the machine width (16) is its own reference: every factor exactly 1', () => {
    const r = simulateNetwork([layer], new Map([['fc', { weightBits: 16, activationBits: 16 }]]), hw);
    expect(r.layers[0]!.computeCycles).toBe(r.layers[0]!.referenceComputeCycles);
    expect(r.speedup.speedup).toBe(1);
    expect(r.speedup.factors).toEqual({
      bitWidth: 1,
      weightSparsity: 1,
      activationSkipping: 1,
      clustering: 1,
      memory: 1,
    });
  });
  it('operands wider than the datapath take several passes (32-bit on 16-bit: 64 cycles)', () => {
    const s = simulateNetwork([layer], new Map([['fc', { weightBits: 32, activationBits: 32 }]]), hw).layers[0]!;
    expect(s.computeCycles).toBe(64);
    expect(s.packingFactor).toBe(0.5);
  });
  it('memory time adds to compute unless overlap is set', () => {
    const r = simulateNetwork([layer], new Map([['fc', { weightBits: 8, activationBits: 8 }]]), hw).layers[0]!;
    // words: inputs 32*8/32 = 8, weights 64*8/32 = 16, outputs 2*8/32 -> 1
    expect(r.extra['memoryWords']).toBe(25);
    expect(r.totalCycles).toBe(25); // default overlap: max(16, 25)
    const noOverlap = resolveHardware({ ...hw, name: 'ac10-serial', memory: { ...hw.memory, overlap: false } });
    const s = simulateNetwork([layer], new Map([['fc', { weightBits: 8, activationBits: 8 }]]), noOverlap).layers[0]!;
    expect(s.totalCycles).toBe(16 + 25);
    expect(s.memoryStallCycles).toBe(25);
  });
});

describe('AC-11 KRP row engine on the AC-4 layer', () => {
  const layer = conv('k', 3, 5, 1, 1, 3); // input [1,3,5,1], 3x3 kernel, VALID -> 1x3 outputs
  const krpMask = new Uint8Array([0, 0, 0, 1, 1, 1, 0, 0, 0]); // keep kernel row 1
  const hw = (rowMux: boolean, shifters = false) =>
    resolveHardware({ name: 'krp1', engine: 'krp', krp: { pc: 1, pk: 1, rowMux, shifters, weightStationary: true } });
  it('dense kernel-PE: 3 cycles, 9 multipliers, 27 useful MACs', () => {
    const s = simulateNetwork([layer], new Map(), hw(false)).layers[0]!;
    expect(s.computeCycles).toBe(3);
    expect(s.extra['multipliers']).toBe(9);
    expect(s.usefulMacs).toBe(27);
  });
  it('KRP kernel-PE: 3 cycles, 3 multipliers, 9 useful MACs; with shifters 0 multipliers', () => {
    const s = simulateNetwork([layer], new Map([['k', { mask: krpMask }]]), hw(true)).layers[0]!;
    expect(s.computeCycles).toBe(3);
    expect(s.extra['multipliers']).toBe(3);
    expect(s.usefulMacs).toBe(9);
    expect(s.extra['format']).toBe('krp(rows=1)+fixed8');
    expect(s.storageBits).toBe(3 * 8 + 2); // S*b + ceil(log2 R)
    const sh = simulateNetwork([layer], new Map([['k', { mask: krpMask }]]), hw(true, true)).layers[0]!;
    expect(sh.extra['multipliers']).toBe(0);
    expect(sh.extra['shifters']).toBe(3);
    expect(sh.multiplications).toBe(0);
  });
  it('dense weights on a row-mux PE need R passes (the KRP speedup at equal PEs is R)', () => {
    const r = simulateNetwork([layer], new Map([['k', { mask: krpMask }]]), hw(true));
    expect(r.layers[0]!.referenceComputeCycles).toBe(9);
    expect(r.speedup.factors.weightSparsity).toBe(3);
  });
});

describe('docs/simulator.md §4.9 tests 3-5 on the group engine', () => {
  const l = conv('c', 6, 6, 64, 40, 3, 1, 1);
  const hw = resolveHardware({ base: 'kang-cx', name: 'cx-m4', group: { m: 4, g: 16, windowAxis: 'channel' } });
  it('balanced g:n masks give imbalance exactly 1 and cycles = dense * n/g', () => {
    for (const n of [1, 4, 8, 12]) {
      const r = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 40, 16, n, n) }]]), hw);
      const s = r.layers[0]!;
      expect(s.loadImbalance).toBe(1);
      expect(s.imbalance).toBe(0);
      expect(s.computeCycles).toBe(Math.max(1, Math.ceil(n / 4)) * 36 * 9 * 4 * 3);
      expect(s.referenceComputeCycles).toBe(4 * 36 * 9 * 4 * 3);
      if (n % 4 === 0) expect(s.computeCycles / s.referenceComputeCycles).toBe(n / 16);
    }
  });
  it('unstructured masks at the same density give imbalance > 1 and more cycles', () => {
    const bal = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 40, 16, 8, 1) }]]), hw).layers[0]!;
    const irr = simulateNetwork([l], new Map([['c', { mask: randomMask(9 * 64 * 40, 0.5, 9) }]]), hw).layers[0]!;
    expect(irr.loadImbalance!).toBeGreaterThan(1);
    expect(irr.imbalance!).toBeGreaterThan(0);
    expect(irr.computeCycles).toBeGreaterThan(bal.computeCycles);
  });
  it('clustered engine without codes runs plain MACs on its equal-area dense datapath (8 per PE)', () => {
    const k = resolveHardware('kcnn');
    const s = simulateNetwork([l], new Map(), k).layers[0]!;
    expect(s.computeCycles).toBe(s.referenceComputeCycles);
    expect(s.multiplications).toBe(s.denseMacs);
    expect(s.additions).toBe(s.denseMacs); // one addition per MAC, not two
    expect(s.computeCycles).toBe(36 * 3 * Math.ceil(576 / 8)); // 40 channels on 16 PEs, ceil(576/8)
  });
});

describe('clustered engine', () => {
  it('AC-8 layer: Mode W counts with an activation mask (sum |S_o| = 10, sum B_o = 7)', () => {
    const layer = conv('k', 3, 3, 1, 1, 2);
    // kernel [[0.5,-1],[0.5,0]] -> codes: 0.5 -> 1, -1 -> 2, 0 -> 0 ; HWIO [2,2,1,1] flat = row-major taps
    const codes = new Uint8Array([1, 2, 1, 0]);
    const act = new Uint8Array([1, 1, 0, 1, 1, 1, 0, 1, 1]); // input [[1,2,0],[2,1,1],[0,2,2]] != 0
    const hw = resolveHardware({ base: 'kcnn', name: 'k1', clustered: { pes: 1 } });
    const comp: LayerCompression = {
      weightCodes: codes,
      weightClusters: 2,
      activationClusters: 2,
      activationMask: act,
    };
    const s = simulateNetwork([layer], new Map([['k', comp]]), hw).layers[0]!;
    expect(s.usefulMacs).toBe(10);
    expect(s.extra['modeWMultiplications']).toBe(7);
    expect(s.extra['modeWAMultiplications']).toBe(4);
    expect(s.extra['bucketAdditions']).toBe(10);
    const wa = simulateNetwork(
      [layer],
      new Map([['k', comp]]),
      resolveHardware({ base: 'kcnn', name: 'k2', clustered: { mode: 'WA' } }),
    );
    expect(wa.layers[0]!.multiplications).toBe(4);
  });
  it('the unlimited-cluster closed form counts the same products as explicit one-weight-per-cluster codes', () => {
    const l = conv('c', 5, 5, 12, 10, 3, 1, 1);
    const mask = randomMask(9 * 12 * 10, 0.4, 21);
    const codes = new Uint16Array(mask.length);
    for (let i = 0; i < mask.length; i++) codes[i] = mask[i] ? i + 1 : 0;
    for (const d of [1, 0.6]) {
      const a = simulateNetwork([l], new Map([['c', { mask, activationDensity: d }]]), resolveHardware('kcnn'))
        .layers[0]!;
      const b = simulateNetwork(
        [l],
        new Map([['c', { weightCodes: codes, activationDensity: d }]]),
        resolveHardware('kcnn'),
      ).layers[0]!;
      expect(a.multiplications).toBeCloseTo(b.multiplications, 6);
      expect(a.usefulMacs).toBeCloseTo(b.usefulMacs, 6);
    }
  });
  it('fewer clusters than kept weights cut multiplications (per output <= k_w)', () => {
    const l = conv('c', 4, 4, 16, 8, 3, 1, 1);
    const n = 9 * 16 * 8;
    const codes = new Uint16Array(n);
    for (let i = 0; i < n; i++) codes[i] = i % 5 === 0 ? 0 : 1 + (i % 3);
    const s = simulateNetwork([l], new Map([['c', { weightCodes: codes, weightClusters: 3 }]]), resolveHardware('kcnn'))
      .layers[0]!;
    expect(s.multiplications).toBe(16 * 8 * 3);
    expect(s.storageBits).toBe(n * 2 + 3 * 32); // 2-bit codes + 3 fp32 centroids (the one storage model)
  });
});

describe('AAP low-complexity and non-lockstep', () => {
  const l = conv('c', 4, 4, 32, 16, 3, 1, 1);
  it('aap-lowcplx (4 multipliers) runs a 16:4 layer one window per cycle: 4x its own dense run', () => {
    const r = simulateNetwork(
      [l],
      new Map([['c', { mask: balancedMask(9, 32, 16, 16, 4, 3) }]]),
      resolveHardware('kang-lowcplx'),
    );
    const s = r.layers[0]!;
    expect(s.extra['multipliersPerPe']).toBe(4);
    expect(s.utilization).toBe(1);
    expect(r.speedup.factors.weightSparsity).toBe(4);
    expect(s.referenceComputeCycles).toBe(4 * s.computeCycles);
  });
  it('non-lockstep never costs more than lock-step', () => {
    for (let seed = 1; seed < 6; seed++) {
      const mask = randomMask(9 * 32 * 16, 0.3, seed);
      const a = simulateNetwork(
        [l],
        new Map([['c', { mask }]]),
        resolveHardware({ base: 'kang-cx', name: 'a', group: { m: 2 } }),
      ).layers[0]!;
      const b = simulateNetwork(
        [l],
        new Map([['c', { mask }]]),
        resolveHardware({ base: 'kang-cx', name: 'b', group: { m: 2, lockstep: false } }),
      ).layers[0]!;
      expect(b.computeCycles).toBeLessThanOrEqual(a.computeCycles);
    }
  });
  it('alignGroupsToRows reads at least as many weight-buffer rows as packed rows, and costs cycles', () => {
    const mask = randomMask(9 * 32 * 16, 0.3, 4);
    const a = simulateNetwork([l], new Map([['c', { mask }]]), resolveHardware('kang-cx')).layers[0]!;
    const b = simulateNetwork(
      [l],
      new Map([['c', { mask }]]),
      resolveHardware({ base: 'kang-cx', name: 'b', group: { alignGroupsToRows: false } }),
    ).layers[0]!;
    expect(a.accesses.rowReads).toBeGreaterThanOrEqual(b.accesses.rowReads);
    expect(a.computeCycles).toBeGreaterThan(b.computeCycles);
  });
  it('activation density changes nothing on a machine without zero skipping, and helps one with it', () => {
    const mask = balancedMask(9, 32, 16, 16, 8, 5);
    const hw = resolveHardware('kang-cx');
    const a = simulateNetwork([l], new Map([['c', { mask }]]), hw);
    const b = simulateNetwork([l], new Map([['c', { mask, activationDensity: 0.5 }]]), hw);
    expect(b.layers[0]!.usefulMacs).toBe(a.layers[0]!.usefulMacs);
    expect(b.totals.totalCycles).toBe(a.totals.totalCycles);
    expect(b.speedup.factors.activationSkipping).toBe(1);
    expect(b.layers[0]!.notes.join(' ')).toMatch(/activationDensity ignored/);
    const skip = resolveHardware({ base: 'kang-cx', name: 'cx-skip', skipZeroActivations: true });
    const c = simulateNetwork([l], new Map([['c', { mask }]]), skip).layers[0]!;
    const d = simulateNetwork([l], new Map([['c', { mask, activationDensity: 0.5 }]]), skip);
    expect(d.layers[0]!.usefulMacs).toBe(c.usefulMacs / 2);
    expect(d.layers[0]!.computeCycles).toBeLessThan(c.computeCycles);
    expect(d.speedup.factors.activationSkipping!).toBeGreaterThan(1);
  });
});

describe('kang-cx preset (flat windows of 64, 16 multipliers per PE, aligned rows)', () => {
  it('a 16:4 balanced 3x3x64 layer runs 4x faster than its dense run; 16:5 leaves a partial row (2x)', () => {
    const l = conv('c', 8, 8, 64, 64, 3, 1, 1);
    const hw = resolveHardware('kang-cx');
    const bal = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 64, 16, 4, 4) }]]), hw);
    const s = bal.layers[0]!;
    // 64 pixels x 4 tiles of 16 PEs x 9 windows of 64: 16 kept -> 1 cycle (dense: 64 -> 4 cycles)
    expect(s.computeCycles).toBe(64 * 4 * 9);
    expect(s.referenceComputeCycles).toBe(64 * 4 * 9 * 4);
    expect(bal.speedup.factors.weightSparsity).toBe(4);
    expect(s.loadImbalance).toBe(1);
    const five = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 64, 16, 5, 4) }]]), hw);
    expect(five.layers[0]!.computeCycles).toBe(64 * 4 * 9 * 2); // 20 kept = 1.25 rows -> 2 cycles
    const packed = resolveHardware({ base: 'kang-cx', name: 'cx-packed', group: { alignGroupsToRows: false } });
    const p = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 64, 16, 5, 4) }]]), packed);
    expect(p.layers[0]!.computeCycles).toBe(64 * 4 * Math.ceil(9 * 1.25)); // packed rows: the partial rows share
    const un = simulateNetwork([l], new Map([['c', { mask: randomMask(9 * 64 * 64, 4 / 16, 4) }]]), hw).layers[0]!;
    expect(un.computeCycles).toBeGreaterThan(s.computeCycles);
    expect(un.loadImbalance!).toBeGreaterThan(1.05);
  });
});

describe('block groups (METHODS §2.2 groupShape = block)', () => {
  it('a block-balanced mask is balanced for block PEs (imbalance 1) but not per tap', () => {
    // 3x3 taps, C = 16, K = 4: every (output, chunk) block of 9*16 weights keeps exactly 48, unevenly over the taps
    const taps = 9;
    const C = 16;
    const K = 4;
    const mask = new Uint8Array(taps * C * K);
    for (let k = 0; k < K; k++) {
      let kept = 0;
      for (let t = 0; t < taps && kept < 48; t++)
        for (let c = 0; c < C && kept < 48; c++)
          if ((t + k) % 3 === 0) {
            mask[(t * C + c) * K + k] = 1;
            kept++;
          }
    }
    const l = conv('b', 4, 4, C, K, 3, 1, 1);
    const mk = (groupShape: 'vector' | 'block') =>
      resolveHardware({
        base: 'kang-cx',
        name: groupShape,
        group: { g: 16, m: 4, tk: 4, windowAxis: 'channel', groupShape },
      });
    const block = simulateNetwork([l], new Map([['b', { mask }]]), mk('block')).layers[0]!;
    const vector = simulateNetwork([l], new Map([['b', { mask }]]), mk('vector')).layers[0]!;
    expect(block.loadImbalance).toBe(1);
    expect(vector.loadImbalance!).toBeGreaterThan(1);
    expect(block.computeCycles).toBe(16 * Math.ceil(48 / 4)); // one block window per pixel: max(9 fetches, 12)
    expect(block.computeCycles).toBeLessThan(vector.computeCycles);
  });
});

describe('packed configurable-sparsity PE (lixiao-fpga)', () => {
  it('a 16:5 layer packs kept weights of successive groups into the 16 INT8 MAC slots: 54/17 = 3.18x', () => {
    const l = conv('c', 4, 4, 96, 16, 3, 1, 1);
    const mask = balancedMask(9, 96, 16, 16, 5, 8);
    const r = simulateNetwork([l], new Map([['c', { mask }]]), resolveHardware('lixiao-fpga'));
    const s = r.layers[0]!;
    // per pixel: 9 taps x 6 windows of 16 channels, 5 kept each -> 54 x 5/16 = 16.875 -> 17 cycles (dense: 54)
    expect(s.computeCycles).toBe(16 * 17);
    expect(s.referenceComputeCycles).toBe(16 * 54);
    expect(s.packingFactor).toBe(2);
    expect(r.speedup.factors.weightSparsity).toBeCloseTo(54 / 17, 12);
    expect(r.speedup.factors.bitWidth).toBe(1); // the reference is the same packed INT8 machine
    expect(s.loadImbalance).toBe(1);
    // one window per cycle (no multi-window fetch): the same mask cannot beat its fetch rate
    const one = resolveHardware({ base: 'lixiao-fpga', name: 'lx-one', group: { fetchWindowsPerCycle: 1 } });
    expect(simulateNetwork([l], new Map([['c', { mask }]]), one).speedup.factors.weightSparsity).toBe(1);
  });
});
