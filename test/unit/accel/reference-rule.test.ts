import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REFERENCE, presets, resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import type { HardwareConfig, LayerCompression, NetworkReport } from '../../../src/accel/index.js';
import type { LayerDescriptor } from '../../../src/shared/layer.js';
import { conv, fc as fcLayer, randomMask } from './helpers.js';

/** A small random network: 1-3 conv / depthwise / fc layers. */
const arbNet = fc
  .array(
    fc.record({
      kind: fc.constantFrom<'conv' | 'depthwise' | 'fc'>('conv', 'conv', 'depthwise', 'fc'),
      hw: fc.integer({ min: 3, max: 7 }),
      c: fc.integer({ min: 1, max: 20 }),
      k: fc.integer({ min: 1, max: 20 }),
      f: fc.constantFrom(1, 3),
      s: fc.constantFrom(1, 2),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((ls) =>
    ls.map((l, i): LayerDescriptor => {
      if (l.kind === 'fc') return fcLayer(`l${i}`, l.c, l.k);
      if (l.kind === 'depthwise') return conv(`l${i}`, l.hw, l.hw, l.c, l.c, l.f, l.s, (l.f - 1) / 2, 'depthwise');
      return conv(`l${i}`, l.hw, l.hw, l.c, l.k, l.f, l.s, (l.f - 1) / 2);
    }),
  );

/** A random custom hardware config of any engine (sizes kept small so the property runs fast). */
const arbHardware = fc
  .record({
    engine: fc.constantFrom('systolic', 'systolic-sparse', 'group', 'aap-lowcplx', 'krp', 'subword', 'clustered'),
    a: fc.integer({ min: 1, max: 16 }),
    b: fc.integer({ min: 1, max: 16 }),
    g: fc.integer({ min: 1, max: 24 }),
    flag: fc.boolean(),
    flag2: fc.boolean(),
    skip: fc.boolean(),
    overlap: fc.boolean(),
    bits: fc.constantFrom(4, 8, 16),
    fetch: fc.constantFrom(1, 2, 4),
    bw: fc.constantFrom(1, 4, 64),
    dataflow: fc.constantFrom('os', 'ws', 'is'),
    packing: fc.constantFrom('none', 'dsp', 'bitfusion'),
  })
  .map((r): HardwareConfig => {
    const common = {
      name: `rnd-${r.engine}`,
      skipZeroActivations: r.skip,
      weightBits: r.bits,
      activationBits: r.bits,
      packing: { style: r.packing, multiplierBits: 16, maxFactor: 4 },
      memory: {
        ifmapSramBytes: 1024 * r.a,
        filterSramBytes: 1024 * r.b,
        ofmapSramBytes: 2048,
        dramBytesPerCycle: r.bw,
        overlap: r.overlap,
        doubleBuffered: r.flag2,
      },
    };
    switch (r.engine) {
      case 'systolic':
        return resolveHardware({
          ...common,
          engine: 'systolic',
          systolic: { rows: r.a, cols: r.b, dataflow: r.dataflow },
        });
      case 'systolic-sparse':
        return resolveHardware({
          ...common,
          engine: 'systolic',
          systolic: { rows: r.a, cols: r.b, dataflow: 'ws', sparse: { g: r.g, n: Math.max(1, Math.floor(r.g / 2)) } },
        });
      case 'group':
      case 'aap-lowcplx':
        return resolveHardware({
          ...common,
          engine: r.engine,
          group: {
            tk: r.a,
            g: r.g,
            m: r.b,
            lockstep: r.flag,
            alignGroupsToRows: r.flag2,
            windowAxis: r.flag ? 'flat' : 'channel',
            groupShape: r.g % 3 === 0 ? 'block' : 'vector',
            fetchWindowsPerCycle: r.fetch,
            layerOverheadCycles: r.g % 2,
          },
        });
      case 'krp':
        return resolveHardware({
          ...common,
          engine: 'krp',
          krp: { pc: r.a, pk: r.b, rowMux: r.flag, shifters: r.flag2 },
        });
      case 'subword':
        return resolveHardware({
          ...common,
          engine: 'subword',
          subword: { pes: r.a, ctrlPerMacCycle: r.g / 10, tCtrl: r.b, outputWords: r.flag ? 'datapath' : 'operand' },
        });
      default:
        return resolveHardware({
          ...common,
          engine: 'clustered',
          clustered: {
            pes: r.a,
            adders: r.b,
            multipliers: 1 + (r.g % 5),
            denseMacsPerPe: r.fetch * 2,
            pipelined: r.flag,
          },
        });
    }
  });

const ONES = { bitWidth: 1, weightSparsity: 1, activationSkipping: 1, clustering: 1, memory: 1 };

function expectReference(r: NetworkReport): void {
  expect(r.totals.totalCycles).toBe(r.totals.referenceCycles);
  expect(r.totals.computeCycles).toBe(r.totals.referenceComputeCycles);
  expect(r.speedup.speedup).toBe(1);
  expect(r.speedup.computeSpeedup).toBe(1);
  expect(r.speedup.factors).toEqual(ONES);
  for (const l of r.layers) expect(l.totalCycles).toBe(l.referenceCycles);
}

describe('the reference rule: same hardware, uncompressed network, same engine', () => {
  it('every preset reports exactly 1.0 for an uncompressed network (and every factor is 1)', () => {
    const net = [conv('c1', 12, 12, 3, 16, 3, 1, 1), conv('c2', 6, 6, 16, 32, 3, 1, 1), fcLayer('fc', 288, 10)];
    for (const name of Object.keys(presets)) expectReference(simulateNetwork(net, new Map(), resolveHardware(name)));
  });

  it('property: any custom config reports exactly 1.0 for an uncompressed network', () => {
    fc.assert(
      fc.property(arbNet, arbHardware, (net, hw) => {
        expectReference(simulateNetwork(net, new Map(), hw));
        // the hardware's own widths given explicitly, and zero-activation data on a machine that ignores it
        const same = new Map<string, LayerCompression>(
          net.map((l) => [
            l.name,
            {
              weightBits: hw.weightBits,
              activationBits: hw.activationBits,
              ...(hw.skipZeroActivations ? {} : { activationDensity: 0.3 }),
            },
          ]),
        );
        expectReference(simulateNetwork(net, same, hw));
      }),
      { numRuns: 200 },
    );
  });

  it('the reference cycles are those of simulating REFERENCE itself', () => {
    const net = [conv('c', 8, 8, 32, 32, 3, 1, 1)];
    const hw = resolveHardware('kang-cx');
    const comp = new Map([['c', { mask: randomMask(9 * 32 * 32, 0.3, 5), weightBits: 4 }]]);
    const r = simulateNetwork(net, comp, hw);
    const ref = simulateNetwork(net, REFERENCE, hw);
    expect(r.totals.referenceCycles).toBe(ref.totals.totalCycles);
    expect(r.totals.referenceComputeCycles).toBe(ref.totals.computeCycles);
    expect(r.layers[0]!.referenceCycles).toBe(ref.layers[0]!.totalCycles);
  });
});

describe('the speedup split', () => {
  it('property: the five factors multiply to speedup, the four compute factors to compute_speedup', () => {
    fc.assert(
      fc.property(
        arbNet,
        arbHardware,
        fc.record({
          keep: fc.double({ min: 0.05, max: 1, noNaN: true }),
          bits: fc.constantFrom(2, 4, 8, 16),
          density: fc.double({ min: 0.1, max: 1, noNaN: true }),
          clusters: fc.integer({ min: 0, max: 6 }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (net, hw, c) => {
          const comp = new Map<string, LayerCompression>();
          net.forEach((l, i) => {
            const n = l.weightShape.reduce((a, b) => a * b, 1);
            const mask = randomMask(n, c.keep, c.seed + i);
            const codes = new Uint16Array(n);
            for (let j = 0; j < n; j++) codes[j] = mask[j] ? 1 + (j % Math.max(1, c.clusters)) : 0;
            comp.set(l.name, {
              mask,
              weightBits: c.bits,
              activationBits: Math.max(c.bits, 4),
              activationDensity: c.density,
              ...(c.clusters > 0 ? { weightCodes: codes, weightClusters: c.clusters } : {}),
            });
          });
          const r = simulateNetwork(net, comp, hw);
          const f = r.speedup.factors;
          for (const l of r.layers) expect(l.computeCycles).toBeGreaterThanOrEqual(0);
          if (r.totals.computeCycles === 0) {
            // everything pruned on an engine with no per-window floor: no ratio exists, and none is invented
            expect(r.speedup.computeSpeedup).toBeNull();
            expect(f.memory).toBeNull();
            return;
          }
          expect(r.speedup.speedup).toBeCloseTo(r.totals.referenceCycles / r.totals.totalCycles, 12);
          expect(r.speedup.computeSpeedup).toBeCloseTo(r.totals.referenceComputeCycles / r.totals.computeCycles, 12);
          const compute = f.bitWidth! * f.weightSparsity! * f.activationSkipping! * f.clustering!;
          expect(compute / r.speedup.computeSpeedup!).toBeCloseTo(1, 10);
          expect((compute * f.memory!) / r.speedup.speedup!).toBeCloseTo(1, 10);
          if (!hw.skipZeroActivations) expect(f.activationSkipping).toBe(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('speedup counts memory stalls: a memory-bound compressed layer gains less than its compute', () => {
    // 1 byte per cycle: DRAM time dominates, so pruning the weights gains less than the compute speedup
    const hw = resolveHardware({ base: 'kang-cx', name: 'cx-slow-dram', memory: { dramBytesPerCycle: 1 } });
    const l = fcLayer('fc', 1024, 256);
    const r = simulateNetwork([l], new Map([['fc', { mask: randomMask(1024 * 256, 0.25, 3) }]]), hw);
    expect(r.totals.memoryStallCycles).toBeGreaterThan(0);
    expect(r.speedup.speedup).toBeCloseTo(r.totals.referenceCycles / r.totals.totalCycles, 12);
    expect(r.speedup.speedup!).not.toBeCloseTo(r.speedup.computeSpeedup!, 2);
    expect(r.speedup.factors.memory).not.toBe(1);
  });
});
