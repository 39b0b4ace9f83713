import { describe, expect, it } from 'vitest';
import { resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import type { LayerCompression } from '../../../src/accel/index.js';
import { conv, maskFromStrings } from './helpers.js';

// METHODS §9 AC-9: input [1,2,2,8], 1x1 conv, K = 2, Tk = 2 PEs, g = 4, 8-bit data.
const layer = conv('l', 2, 2, 8, 2, 1);
const hw = (m: number, lockstep = true) =>
  resolveHardware({
    name: `ac9-m${m}`,
    engine: 'group',
    skipZeroActivations: true, // only the activation-mask cases below carry activation information
    group: {
      tk: 2,
      g: 4,
      m,
      lockstep,
      alignGroupsToRows: true,
      groupShape: 'vector',
      windowAxis: 'channel',
      layerOverheadCycles: 0,
    },
  });
/** AC-9 stores unbalanced masks with per-group counts (METHODS §1.6 group-count form), balanced ones by position. */
const formatOf = (masks: string[]): LayerCompression['sparsity'] =>
  masks === BAL ? { kind: 'balanced', groupSize: 4 } : { kind: 'irregular', index: 'group-count', groupSize: 4 };
const run = (masks: string[] | null, m: number, lockstep = true) => {
  const comp: LayerCompression = masks ? { mask: maskFromStrings(masks), sparsity: formatOf(masks) } : {};
  const r = simulateNetwork([layer], new Map([['l', comp]]), hw(m, lockstep));
  return { r, s: r.layers[0]! };
};

const BAL = ['11001010', '01100011'];
const IRR1 = ['11110000', '00001111'];
const IRR2 = ['11101000', '10001110'];
const MILD = ['11101000', '11001100'];

describe('AC-9 group engine on a tiny 1x1 conv', () => {
  const table: [string, string[] | null, number, number, number, number, number][] = [
    // case, masks, M, cycles, useful MAC, util, imbalance (1 - mean/max)
    ['dense HW M=4', null, 4, 8, 64, 1, 0],
    ['dense HW M=2', null, 2, 16, 64, 1, 0],
    ['balanced M=2', BAL, 2, 8, 32, 1, 0],
    ['irregular 11110000/00001111', IRR1, 2, 16, 32, 0.5, 0.5],
    ['irregular 11101000/10001110', IRR2, 2, 16, 32, 0.5, 1 / 3],
    ['mild', MILD, 2, 12, 32, 2 / 3, 0.2],
    ['balanced M=4', BAL, 4, 8, 32, 0.5, 0],
  ];
  for (const [name, masks, m, cycles, useful, util, imb] of table) {
    it(`${name}: ${cycles} cycles, ${useful} useful MACs`, () => {
      const { s } = run(masks, m);
      expect(s.computeCycles).toBe(cycles);
      expect(s.usefulMacs).toBe(useful);
      expect(s.utilization).toBeCloseTo(util, 12);
      expect(s.imbalance).toBeCloseTo(imb, 12);
      expect(s.accesses.wtReads).toBe(useful);
      expect(s.accesses.actReads).toBe(32);
      expect(s.denseMacs).toBe(64);
    });
  }

  it('speedup at M = 2: balanced 2.0x, irregular 1.0x (same 50 % sparsity)', () => {
    expect(run(BAL, 2).r.speedup.factors.weightSparsity).toBe(2);
    expect(run(IRR1, 2).r.speedup.factors.weightSparsity).toBe(1);
    expect(run(BAL, 2).r.speedup.computeSpeedup).toBe(2);
    expect(run(BAL, 2).r.speedup.factors.bitWidth).toBe(1);
  });

  it('balanced masks have load imbalance exactly 1 (ratio form), irregular > 1', () => {
    expect(run(BAL, 2).s.loadImbalance).toBe(1);
    expect(run(IRR1, 2).s.loadImbalance).toBe(2);
    expect(run(MILD, 2).s.loadImbalance).toBeCloseTo(1.25, 12);
  });

  it('off-chip bits: weights 128 / 80 / 92, inputs 256, outputs 64, totals 448 / 400 / 412', () => {
    const cases: [string[] | null, number, number][] = [
      [null, 128, 448],
      [BAL, 80, 400],
      [IRR1, 92, 412],
    ];
    for (const [masks, wBits, total] of cases) {
      const { s } = run(masks, 2);
      expect((s.dramBytes.filter + s.dramBytes.metadata) * 8).toBe(wBits);
      expect(s.dramBytes.ifmap * 8).toBe(256);
      expect(s.dramBytes.ofmap * 8).toBe(64);
      expect(s.dramBytes.total * 8).toBe(total);
      expect(s.storageBits).toBe(wBits);
    }
  });

  it('non-lockstep variant at M = 2: balanced 8, irregular 8 and 12, mild 12 cycles', () => {
    expect(run(BAL, 2, false).s.computeCycles).toBe(8);
    expect(run(IRR1, 2, false).s.computeCycles).toBe(8);
    expect(run(IRR2, 2, false).s.computeCycles).toBe(12);
    expect(run(MILD, 2, false).s.computeCycles).toBe(12);
  });

  it('exact activation mask of all ones gives the same cycles as no activation information', () => {
    const act = new Uint8Array(2 * 2 * 8).fill(1);
    for (const masks of [BAL, IRR1, IRR2, MILD]) {
      for (const lockstep of [true, false]) {
        const plain = run(masks, 2, lockstep).s;
        const r = simulateNetwork(
          [layer],
          new Map([['l', { mask: maskFromStrings(masks), activationMask: act }]]),
          hw(2, lockstep),
        );
        expect(r.layers[0]!.computeCycles).toBe(plain.computeCycles);
        expect(r.layers[0]!.usefulMacs).toBe(plain.usefulMacs);
        expect(r.layers[0]!.loadImbalance).toBeCloseTo(plain.loadImbalance!, 12);
      }
    }
  });

  it('activation masks of several calibration images average per image; zero activations are skipped', () => {
    const ones = new Uint8Array(32).fill(1);
    const half = new Uint8Array(32);
    for (let p = 0; p < 4; p++) for (let c = 0; c < 4; c++) half[p * 8 + c] = 1; // channels 0-3 non-zero
    const two = new Uint8Array(64);
    two.set(ones, 0);
    two.set(half, 32);
    const m = maskFromStrings(['11110000', '00001111']);
    const one = (a: Uint8Array) =>
      simulateNetwork([layer], new Map([['l', { mask: m, activationMask: a }]]), hw(2)).layers[0]!;
    // with channels 4-7 zero: out1 has no work; windows (q=0: 4,0) -> 2 cycles, (q=1: 0,0) -> 1 cycle
    expect(one(half).computeCycles).toBe(4 * 3);
    expect(one(half).usefulMacs).toBe(16);
    expect(one(two).computeCycles).toBe((16 + 12) / 2);
    expect(one(two).usefulMacs).toBe((32 + 16) / 2);
    expect(() => one(new Uint8Array(33))).toThrow(
      /activationMask\.length = 33 is not a multiple of inH\*inW\*inC = 32/,
    );
  });
});
