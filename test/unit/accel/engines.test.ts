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
  it('packing factor 1 (b = datapath) reduces to the dense unpacked engine exactly', () => {
    const r = simulateNetwork([layer], new Map([['fc', { weightBits: 16, activationBits: 16 }]]), hw);
    expect(r.layers[0]!.computeCycles).toBe(r.layers[0]!.denseUnpackedCycles);
    expect(r.speedup.packingFactor).toBe(1);
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
    expect(s.extra['format']).toBe('krp');
    expect(s.storageBits).toBe(3 * 8 + 2); // S*b + ceil(log2 R)
    const sh = simulateNetwork([layer], new Map([['k', { mask: krpMask }]]), hw(true, true)).layers[0]!;
    expect(sh.extra['multipliers']).toBe(0);
    expect(sh.extra['shifters']).toBe(3);
    expect(sh.multiplications).toBe(0);
  });
  it('dense weights on a row-mux PE need R passes (the KRP speedup at equal PEs is R)', () => {
    const r = simulateNetwork([layer], new Map([['k', { mask: krpMask }]]), hw(true));
    expect(r.layers[0]!.denseCycles).toBe(9);
    expect(r.speedup.sparsityFactor).toBe(3);
  });
});

describe('SIMULATOR §4.9 tests 3-5 on the group engine', () => {
  const l = conv('c', 6, 6, 64, 40, 3, 1, 1);
  const hw = resolveHardware({ base: 'kang-cx', name: 'cx-m4', group: { m: 4, g: 16, windowAxis: 'channel' } });
  it('balanced g:n masks give imbalance exactly 1 and cycles = dense * n/g', () => {
    for (const n of [1, 4, 8, 12]) {
      const r = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 40, 16, n, n) }]]), hw);
      const s = r.layers[0]!;
      expect(s.loadImbalance).toBe(1);
      expect(s.imbalance).toBe(0);
      expect(s.computeCycles).toBe(Math.max(1, Math.ceil(n / 4)) * 36 * 9 * 4 * 3);
      expect(s.denseCycles).toBe(4 * 36 * 9 * 4 * 3);
      if (n % 4 === 0) expect(s.computeCycles / s.denseCycles).toBe(n / 16);
    }
  });
  it('unstructured masks at the same density give imbalance > 1 and more cycles', () => {
    const bal = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 40, 16, 8, 1) }]]), hw).layers[0]!;
    const irr = simulateNetwork([l], new Map([['c', { mask: randomMask(9 * 64 * 40, 0.5, 9) }]]), hw).layers[0]!;
    expect(irr.loadImbalance!).toBeGreaterThan(1);
    expect(irr.imbalance!).toBeGreaterThan(0);
    expect(irr.computeCycles).toBeGreaterThan(bal.computeCycles);
  });
  it('clustered engine without codes (unlimited clusters) equals its dense baseline exactly', () => {
    const k = resolveHardware('kcnn');
    const s = simulateNetwork([l], new Map(), k).layers[0]!;
    expect(s.computeCycles).toBe(s.denseCycles);
    expect(s.multiplications).toBe(s.denseMacs);
    expect(s.computeCycles).toBe(36 * 3 * Math.ceil(576 / 4)); // 40 channels on 16 PEs, ceil(576/m)
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
  it('the unlimited-cluster closed form equals explicit one-weight-per-cluster codes', () => {
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
      expect(a.computeCycles).toBe(b.computeCycles);
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
    expect(s.storageBits).toBe(n * 2 + 3 * 16);
  });
});

describe('AAP low-complexity and non-lockstep', () => {
  const l = conv('c', 4, 4, 32, 16, 3, 1, 1);
  it('aap-lowcplx runs a g:n layer one window per cycle: speedup g/n against a dense PE with n multipliers', () => {
    const r = simulateNetwork(
      [l],
      new Map([['c', { mask: balancedMask(9, 32, 16, 16, 4, 3) }]]),
      resolveHardware('kang-lowcplx'),
    );
    const s = r.layers[0]!;
    expect(s.extra['multipliersPerPe']).toBe(4);
    expect(s.utilization).toBe(1);
    expect(r.speedup.sparsityFactor).toBe(4);
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
  it('alignGroupsToRows reads at least as many weight-buffer rows as packed rows', () => {
    const mask = randomMask(9 * 32 * 16, 0.3, 4);
    const a = simulateNetwork([l], new Map([['c', { mask }]]), resolveHardware('kang-cx')).layers[0]!;
    const b = simulateNetwork(
      [l],
      new Map([['c', { mask }]]),
      resolveHardware({ base: 'kang-cx', name: 'b', group: { alignGroupsToRows: false } }),
    ).layers[0]!;
    expect(a.accesses.rowReads).toBeGreaterThanOrEqual(b.accesses.rowReads);
  });
  it('activation density scales useful MACs and never increases cycles', () => {
    const mask = balancedMask(9, 32, 16, 16, 8, 5);
    const hw = resolveHardware('kang-cx');
    const a = simulateNetwork([l], new Map([['c', { mask }]]), hw).layers[0]!;
    const b = simulateNetwork([l], new Map([['c', { mask, activationDensity: 0.5 }]]), hw).layers[0]!;
    expect(b.usefulMacs).toBe(a.usefulMacs / 2);
    expect(b.computeCycles).toBeLessThanOrEqual(a.computeCycles);
  });
});

describe('kang-cx preset (flat windows of 256, 16 multipliers per PE)', () => {
  it('a 16:5 balanced 3x3x64 layer runs 3x faster than dense (windows 256/256/64 -> 5/5/2 vs 16/16/4 cycles)', () => {
    const l = conv('c', 8, 8, 64, 64, 3, 1, 1);
    const hw = resolveHardware('kang-cx');
    const bal = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 64, 16, 5, 4) }]]), hw);
    const s = bal.layers[0]!;
    expect(s.computeCycles).toBe(64 * 4 * 12);
    expect(s.denseCycles).toBe(64 * 4 * 36);
    expect(bal.speedup.sparsityFactor).toBe(3);
    expect(s.loadImbalance).toBe(1);
    const un = simulateNetwork([l], new Map([['c', { mask: randomMask(9 * 64 * 64, 5 / 16, 4) }]]), hw).layers[0]!;
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

describe('groupsPerStep (configurable-sparsity PE, lixiao-fpga)', () => {
  it('a 16:5 layer takes floor(16/5) = 3 groups per step: 3x fewer windows than dense, packing 2x on top', () => {
    const l = conv('c', 4, 4, 96, 16, 3, 1, 1);
    const r = simulateNetwork(
      [l],
      new Map([['c', { mask: balancedMask(9, 96, 16, 16, 5, 8) }]]),
      resolveHardware('lixiao-fpga'),
    );
    const s = r.layers[0]!;
    expect(s.extra['groupsPerStep']).toBe(3);
    expect(s.computeCycles).toBe(16 * 9 * 2); // 96 channels = 2 windows of 48 per tap, 15 kept <= 16 MACs
    expect(s.denseCycles).toBe(16 * 9 * 6); // dense: 6 windows of 16, one cycle each at 16 MACs
    expect(r.speedup.sparsityFactor).toBe(3);
    expect(r.speedup.packingFactor).toBe(2);
    expect(s.loadImbalance).toBe(1);
    const one = resolveHardware({ base: 'lixiao-fpga', name: 'lx-one', group: { groupsPerStep: 'one' } });
    expect(
      simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 96, 16, 16, 5, 8) }]]), one).speedup.sparsityFactor,
    ).toBe(1);
  });
});
