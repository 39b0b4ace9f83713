import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTopologyCsv, resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import { replayDram } from '../../../src/accel/scalesim-replay.js';
import { mapGemm, sramCounts } from '../../../src/accel/systolic-core.js';
import type { Dataflow } from '../../../src/accel/index.js';
import { balancedMask, conv, randomMask } from './helpers.js';

const fixture = (f: string) => readFileSync(new URL(`../../fixtures/accel/${f}`, import.meta.url), 'utf8');
const ws32 = resolveHardware({ base: 'scalesim-scale', name: 'scale-ws', systolic: { dataflow: 'ws' } });

describe('dense systolic core: SCALE-Sim v2 parity', () => {
  it('AlexNet conv1 on 32x32 WS 64 kB (v2 CI golden): 112 283 cycles and the three utils', () => {
    const layers = parseTopologyCsv(fixture('alexnet-conv1.csv'), 'alexnet-conv1.csv');
    const r = simulateNetwork(layers, new Map(), ws32, { compat: 'scalesim' });
    const s = r.layers[0]!;
    expect(s.totalCycles).toBe(112283);
    expect(s.memoryStallCycles).toBe(0);
    // golden COMPUTE_REPORT.csv: 91.68309650614964, 94.53125, 90.78000992063485
    expect(s.scalesim!.overallUtilPct).toBeCloseTo(91.68309650614964, 10);
    expect(s.scalesim!.mappingEfficiencyPct).toBeCloseTo(94.53125, 12);
    expect(s.scalesim!.computeUtilPct).toBeCloseTo(90.78000992063485, 10);
    // golden DETAILED_ACCESS_REPORT.csv SRAM counts and DRAM filter reads
    expect(s.scalesim!.sramIfmapReads).toBe(3294225);
    expect(s.scalesim!.sramFilterReads).toBe(34848);
    expect(s.scalesim!.sramOfmapWrites).toBe(3484800);
    expect(s.scalesim!.dramFilterReads).toBe(34848);
    // v2 writes 3 484 831 = ours + (C - 1) padding entries
    expect(3484831 - s.scalesim!.dramOfmapWrites).toBe(31);
    expect(s.dramBytes.filter).toBe(34848); // 1-byte words in compat mode
  });

  it('worked numbers of docs/simulator.md §1: M = 3025, K = 363, N = 96 -> 36 folds of 3119 cycles', () => {
    const m = mapGemm(3025, 363, 96, 32, 32, 'ws');
    expect([m.rf, m.cf, m.folds, m.P, m.cycles]).toEqual([12, 3, 36, 3119, 112283]);
  });

  it('ceil output rule in scalesim mode, floor rule in native mode', () => {
    const l = conv('c', 8, 8, 4, 4, 3, 2); // (8-3+2)/2 = 3.5
    const s = simulateNetwork([l], new Map(), ws32, { compat: 'scalesim' }).layers[0]!;
    const n = simulateNetwork([l], new Map(), ws32, { compat: 'native' }).layers[0]!;
    expect(s.denseMacs).toBe(4 * 4 * 36 * 4);
    expect(n.denseMacs).toBe(3 * 3 * 36 * 4);
  });

  it('closed form equals a fold-by-fold reference loop (random GEMMs, all dataflows)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<Dataflow>('os', 'ws', 'is'),
        (M, K, N, R, C, df) => {
          const [Sr, Sc, T] = df === 'os' ? [M, N, K] : df === 'ws' ? [K, N, M] : [K, M, N];
          let cycles = 0;
          let mapSum = 0;
          let compSum = 0;
          let folds = 0;
          for (let r0 = 0; r0 < Sr; r0 += R)
            for (let c0 = 0; c0 < Sc; c0 += C) {
              const rows = Math.min(R, Sr - r0);
              const cols = Math.min(C, Sc - c0);
              const P = df === 'os' ? T + R + C - 2 : 2 * R + C + T - 2;
              cycles += P;
              folds++;
              mapSum += (rows * cols) / (R * C);
              compSum += (rows * cols * T) / (R * C * (df === 'os' ? P : P + C - 1));
            }
          const m = mapGemm(M, K, N, R, C, df);
          expect(m.cycles).toBe(cycles - 1);
          expect(m.mappingEfficiencyPct).toBeCloseTo((100 * mapSum) / folds, 9);
          expect(m.computeUtilPct).toBeCloseTo((100 * compSum) / folds, 9);
          const s = sramCounts(M, K, N, m, df, R, C);
          // every fold streams its operands once: count per fold
          let ifm = 0;
          let fil = 0;
          for (let r0 = 0; r0 < Sr; r0 += R)
            for (let c0 = 0; c0 < Sc; c0 += C) {
              const rows = Math.min(R, Sr - r0);
              const cols = Math.min(C, Sc - c0);
              if (df === 'os') {
                ifm += rows * T;
                fil += cols * T;
              } else if (df === 'ws') {
                ifm += rows * T;
                fil += rows * cols;
              } else {
                ifm += rows * cols;
                fil += rows * T;
              }
            }
          expect(s.ifmapReads).toBe(ifm);
          expect(s.filterReads).toBe(fil);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('DRAM is compulsory traffic when operands fit (google.cfg, 6 MB buffers)', () => {
    const layers = parseTopologyCsv(fixture('resnet50.csv'), 'resnet50.csv');
    const r = simulateNetwork(layers, new Map(), resolveHardware('scalesim-google'), { compat: 'scalesim' });
    const l = r.layers.find((x) => x.name === 'IB3b_2')!; // 28x28x128 -> 26x26, 3x3, 128 filters
    expect(l.scalesim!.dramIfmapReads).toBe(28 * 28 * 128);
    expect(l.scalesim!.dramFilterReads).toBe(9 * 128 * 128);
    expect(l.scalesim!.dramOfmapWrites).toBe(Math.ceil(1152 / 256) * 26 * 26 * 128);
    expect(r.layers).toHaveLength(54);
    expect(r.totals.denseMacs).toBe(r.layers.reduce((a, x) => a + x.denseMacs, 0));
  });

  it('OS refetches ifmap cf times when it does not fit (64 kB)', () => {
    const l = conv('big', 56, 56, 256, 128, 1); // 802 816 ifmap elements > 32 750
    const s = simulateNetwork([l], new Map(), resolveHardware('scalesim-scale'), { compat: 'scalesim' }).layers[0]!;
    expect(s.scalesim!.dramIfmapReads).toBe(4 * 56 * 56 * 256);
    // OS ofmap quirk: M*N + folds*(R+C)
    expect(s.scalesim!.sramOfmapWrites).toBe(56 * 56 * 128 + 98 * 4 * 64);
  });
});

describe('packing and sparse weight-stationary rows', () => {
  const l = conv('c', 10, 10, 64, 64, 3, 1, 1);
  const dense = resolveHardware({ name: 'ws16', engine: 'systolic', systolic: { rows: 16, cols: 16, dataflow: 'ws' } });

  it('packing factor 1 reproduces the dense array exactly; pf = 2 shrinks K to ceil(K/2)', () => {
    const p1 = resolveHardware({ ...dense, name: 'p1', packing: { style: 'dsp', multiplierBits: 8, maxFactor: 4 } });
    const p2 = resolveHardware({ ...dense, name: 'p2', packing: { style: 'dsp', multiplierBits: 16, maxFactor: 4 } });
    const d = simulateNetwork([l], new Map(), dense).layers[0]!;
    const a = simulateNetwork([l], new Map(), p1).layers[0]!;
    const b = simulateNetwork([l], new Map(), p2).layers[0]!;
    expect(a.computeCycles).toBe(d.computeCycles);
    expect(a.dramBytes).toEqual(d.dramBytes);
    expect(b.packingFactor).toBe(2);
    expect(b.computeCycles).toBe(mapGemm(100, 288, 64, 16, 16, 'ws').cycles);
    // 4-bit operands pack 4 per 16-bit multiplier: the bit-width factor is the reference (8-bit, pf 2) over pf 4
    const rb = simulateNetwork([l], new Map([['c', { weightBits: 4, activationBits: 4 }]]), p2);
    expect(rb.layers[0]!.packingFactor).toBe(4);
    expect(rb.speedup.factors.bitWidth).toBeCloseTo(b.computeCycles / mapGemm(100, 144, 64, 16, 16, 'ws').cycles, 12);
  });

  it('balanced g:n masks: imbalance exactly 1 and cycles = dense with K*n/g rows', () => {
    for (const [g, n] of [
      [4, 2],
      [16, 5],
      [8, 1],
    ] as const) {
      const hw = resolveHardware({
        ...dense,
        name: `sp${g}-${n}`,
        systolic: { rows: 16, cols: 16, dataflow: 'ws', sparse: { g, n } },
      });
      const mask = balancedMask(9, 64, 64, g, n, 7);
      const s = simulateNetwork([l], new Map([['c', { mask }]]), hw).layers[0]!;
      expect(s.loadImbalance).toBe(1);
      const kPrime = (9 * 64 * n) / g;
      expect(s.computeCycles).toBe(mapGemm(100, kPrime, 64, 16, 16, 'ws').cycles);
      // the reference (dense weights on the same sparse array) takes K rows (n divides g here or costs ceil(g/n) passes)
      expect(s.referenceComputeCycles).toBe(mapGemm(100, (9 * 64 * n * Math.ceil(g / n)) / g, 64, 16, 16, 'ws').cycles);
    }
  });

  it('unstructured masks at the same density: imbalance > 1 and never fewer cycles than balanced', () => {
    const hw = resolveHardware({
      ...dense,
      name: 'sp',
      systolic: { rows: 16, cols: 16, dataflow: 'ws', sparse: { g: 16, n: 5 } },
    });
    const bal = simulateNetwork([l], new Map([['c', { mask: balancedMask(9, 64, 64, 16, 5, 1) }]]), hw).layers[0]!;
    const irr = simulateNetwork([l], new Map([['c', { mask: randomMask(9 * 64 * 64, 5 / 16, 2) }]]), hw).layers[0]!;
    expect(irr.loadImbalance!).toBeGreaterThan(1);
    expect(irr.computeCycles).toBeGreaterThan(bal.computeCycles);
  });

  it('dense array with a mask: cycles unchanged, useful MACs and utilisation drop', () => {
    const mask = randomMask(9 * 64 * 64, 0.3, 3);
    const d = simulateNetwork([l], new Map(), dense).layers[0]!;
    const m = simulateNetwork([l], new Map([['c', { mask }]]), dense).layers[0]!;
    expect(m.computeCycles).toBe(d.computeCycles);
    expect(m.usefulMacs).toBeLessThan(d.usefulMacs * 0.35);
    expect(m.utilization!).toBeLessThan(d.utilization!);
    expect(m.energyPj.compute).toBeLessThan(d.energyPj.compute);
  });
});

describe('DRAM: closed-form refetch rule vs a replay of v2 CALC-mode buffering', () => {
  it('the replay reproduces the v2 CI golden (AlexNet conv1, 32x32 WS, 64 kB): filter exact, ifmap within 2 %', () => {
    const r = replayDram({ H: 227, W: 227, Fh: 11, Fw: 11, C: 3, N: 96, Sh: 4, Sw: 4 }, 32, 32, 'ws', [65536, 65536]);
    expect(r.filterReads).toBe(34848);
    expect(Math.abs(r.ifmapReads / 1805023 - 1)).toBeLessThan(0.02);
  });

  it('rule = replay exactly when operands fit (WS 256x256, 6 MB) and on fitting OS 64 kB layers', () => {
    const layers = parseTopologyCsv(fixture('resnet50.csv'), 'resnet50.csv');
    const pick = (n: string) => layers.find((l) => l.name === n)!;
    const check = (names: string[], hwName: string, R: number, df: Dataflow, bytes: [number, number]) => {
      const sub = names.map(pick);
      const r = simulateNetwork(sub, new Map(), resolveHardware(hwName), { compat: 'scalesim' });
      sub.forEach((l, i) => {
        const rep = replayDram(
          { H: l.inH, W: l.inW, Fh: l.kernelH, Fw: l.kernelW, C: l.inC, N: l.outC, Sh: l.strideH, Sw: l.strideW },
          R,
          R,
          df,
          bytes,
        );
        expect([l.name, r.layers[i]!.scalesim!.dramIfmapReads, r.layers[i]!.scalesim!.dramFilterReads]).toEqual([
          l.name,
          rep.ifmapReads,
          rep.filterReads,
        ]);
      });
    };
    check(['IB4b_2', 'CB5a_2', 'FC6'], 'scalesim-google', 256, 'ws', [6144 * 1024, 6144 * 1024]);
    check(['CB2a_1', 'IB5b_2', 'FC6'], 'scalesim-scale', 32, 'os', [65536, 65536]);
  });

  it('filter DRAM equals the replay in every dataflow, including partial refetch (64 kB)', () => {
    const layers = parseTopologyCsv(fixture('resnet50.csv'), 'resnet50.csv').filter((l) =>
      ['IB3b_1', 'CB5a_3', 'IB5b_2'].includes(l.name),
    );
    for (const df of ['os', 'ws', 'is'] as const) {
      const hw = resolveHardware({ base: 'scalesim-scale', name: `s-${df}`, systolic: { dataflow: df } });
      const r = simulateNetwork(layers, new Map(), hw, { compat: 'scalesim' });
      layers.forEach((l, i) => {
        const rep = replayDram(
          { H: l.inH, W: l.inW, Fh: l.kernelH, Fw: l.kernelW, C: l.inC, N: l.outC, Sh: l.strideH, Sw: l.strideW },
          32,
          32,
          df,
          [65536, 65536],
        );
        expect([df, l.name, r.layers[i]!.scalesim!.dramFilterReads]).toEqual([df, l.name, rep.filterReads]);
      });
    }
    // the §1 rule's working-set test alone would say 65 536 here: v2's flush-every-A buffer refetches part of it
    const os = simulateNetwork(layers, new Map(), resolveHardware('scalesim-scale'), { compat: 'scalesim' });
    expect(os.layers[0]!.scalesim!.dramFilterReads).toBe(114634);
  });
});
