import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMaskStatsCache, resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import { computeGroupCounts, packMask } from '../../../src/accel/mask-stats.js';
import {
  computeTileStats,
  denseTileStats,
  laneCycles,
  lockstepCycles,
  lockstepWindows,
  nonLockstepCycles,
  windowSums,
} from '../../../src/accel/windows.js';
import { conv, randomMask } from './helpers.js';

/**
 * Naive group engine on one pass (one output pixel), straight from the HWIO mask (docs/simulator.md §4.3):
 * aligned rows charge ⌈c/m⌉ per window, packed rows c/m rounded up once per tile; one window fetched per cycle.
 */
function naiveGroup(
  mask: Uint8Array,
  taps: number,
  C: number,
  K: number,
  g: number,
  tk: number,
  m: number,
  lockstep: boolean,
  block: boolean,
  aligned: boolean,
) {
  const Q = Math.ceil(C / g);
  const cost = (v: number) => (aligned ? Math.ceil(v / m) : v / m);
  const work = (t: number, k: number, q: number) => {
    let s = 0;
    for (let c = q * g; c < Math.min(C, (q + 1) * g); c++) s += mask[(t * C + c) * K + k]!;
    return s;
  };
  let cycles = 0;
  const windows: number[][] = [];
  for (let k0 = 0; k0 < K; k0 += tk) {
    const lanes = Math.min(tk, K - k0);
    const lane = new Array<number>(lanes).fill(0);
    let steps = 0;
    let tile = 0;
    const minSteps = block ? taps : 1;
    const rows: number[][] = [];
    if (!block) {
      for (let t = 0; t < taps; t++)
        for (let q = 0; q < Q; q++) rows.push(Array.from({ length: lanes }, (_, i) => work(t, k0 + i, q)));
    } else {
      for (let q = 0; q < Q; q++)
        rows.push(
          Array.from({ length: lanes }, (_, i) => {
            let s = 0;
            for (let t = 0; t < taps; t++) s += work(t, k0 + i, q);
            return s;
          }),
        );
    }
    for (const row of rows) {
      windows.push(row);
      row.forEach((v, i) => (lane[i] = lane[i]! + cost(v)));
      steps += minSteps;
      tile += Math.max(minSteps, cost(Math.max(...row)));
    }
    if (lockstep) cycles += Math.ceil(tile - 1e-9);
    else cycles += Math.max(steps, ...lane.map((v) => Math.ceil(v - 1e-9)));
  }
  return { cycles, windows };
}

describe('property: histogram engine equals the naive per-window loop on random masks', () => {
  it('group engine cycles, useful MACs and load imbalance (vector/block, lockstep or not)', () => {
    fc.assert(
      fc.property(
        fc.record({
          C: fc.integer({ min: 1, max: 40 }),
          K: fc.integer({ min: 1, max: 24 }),
          k: fc.constantFrom(1, 3),
          g: fc.integer({ min: 1, max: 20 }),
          tk: fc.integer({ min: 1, max: 9 }),
          m: fc.integer({ min: 1, max: 8 }),
          keep: fc.double({ min: 0.05, max: 1, noNaN: true }),
          lockstep: fc.boolean(),
          block: fc.boolean(),
          aligned: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        ({ C, K, k, g, tk, m, keep, lockstep, block, aligned, seed }) => {
          const taps = k * k;
          const mask = randomMask(taps * C * K, keep, seed);
          const l = conv('x', 3, 3, C, K, k, 1, (k - 1) / 2);
          const hw = resolveHardware({
            name: 'p',
            engine: 'group',
            group: {
              tk,
              g,
              m,
              lockstep,
              alignGroupsToRows: aligned,
              groupShape: block ? 'block' : 'vector',
              windowAxis: 'channel',
              fetchWindowsPerCycle: 1,
              layerOverheadCycles: 0,
            },
          });
          const s = simulateNetwork([l], new Map([['x', { mask }]]), hw).layers[0]!;
          const ref = naiveGroup(mask, taps, C, K, g, tk, m, lockstep, block, aligned);
          expect(s.computeCycles).toBe(9 * ref.cycles);
          const nnz = mask.reduce((a, b) => a + b, 0);
          expect(s.usefulMacs).toBe(9 * nnz);
          const w = lockstepWindows(ref.windows, m);
          if (w.loadImbalance === null) expect(s.loadImbalance).toBeNull();
          else expect(s.loadImbalance!).toBeCloseTo(w.loadImbalance, 9);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('closed-form dense window stats equal stats computed from an all-ones mask', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        (taps, L, K, g, tk, m, block) => {
          const shape = block ? 'block' : 'vector';
          const ones = new Uint8Array(taps * L * K).fill(1);
          const real = computeTileStats(computeGroupCounts(packMask(ones, taps, L, K), g), tk, K, shape);
          const dense = denseTileStats(taps, L, K, g, tk, K, shape);
          for (const d of [1, 0.5])
            for (const aligned of [true, false]) {
              const rule = { aligned, minPerWindow: dense.stepsPerWindow };
              expect(lockstepCycles(dense, m, d, rule)).toBe(lockstepCycles(real, m, d, rule));
              expect(nonLockstepCycles(dense, m, d, rule)).toBe(nonLockstepCycles(real, m, d, rule));
            }
          const lc = laneCycles(real, m);
          expect(laneCycles(dense, m)[0]! * K).toBe(lc.reduce((a, b) => a + b, 0));
          const a = windowSums(dense);
          const b = windowSums(real);
          expect(a.sumMax).toBeCloseTo(b.sumMax, 9);
          expect(a.sumMean).toBeCloseTo(b.sumMean, 9);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('popcount group counts equal direct counting for any g (incl. g not dividing 32)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 1e6 }),
        (taps, L, K, g, seed) => {
          const mask = randomMask(taps * L * K, 0.4, seed);
          const gc = computeGroupCounts(packMask(mask, taps, L, K), g);
          const Q = Math.ceil(L / g);
          for (let t = 0; t < taps; t++)
            for (let k = 0; k < K; k++)
              for (let q = 0; q < Q; q++) {
                let s = 0;
                for (let c = q * g; c < Math.min(L, (q + 1) * g); c++) s += mask[(t * L + c) * K + k]!;
                expect(gc.counts[(t * K + k) * Q + q]).toBe(s);
              }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reusing the cache across configs changes nothing and packs each mask once', () => {
    const l = conv('x', 5, 5, 48, 32, 3, 1, 1);
    const mask = randomMask(9 * 48 * 32, 0.3, 11);
    const comp = new Map([['x', { mask }]]);
    const cache = createMaskStatsCache();
    const cfgs = [2, 4, 8, 16].map((m) => resolveHardware({ base: 'kang-cx', name: `m${m}`, group: { m } }));
    const first = simulateNetwork([l], comp, cfgs[0]!, { cache });
    const missesAfterFirst = cache.misses;
    const rest = cfgs.slice(1).map((hw) => simulateNetwork([l], comp, hw, { cache }));
    expect(cache.misses).toBe(missesAfterFirst);
    expect(JSON.stringify(rest.map((r) => r.layers))).toBe(
      JSON.stringify(cfgs.slice(1).map((hw) => simulateNetwork([l], comp, hw).layers)),
    );
    expect(first.layers[0]!.computeCycles).toBeGreaterThan(rest[2]!.layers[0]!.computeCycles);
  });

  it('reports are deterministic and JSON-safe (no NaN or Infinity anywhere)', () => {
    const l = conv('x', 4, 4, 8, 8, 3, 1, 1);
    const zero = new Uint8Array(9 * 8 * 8);
    for (const name of ['kang-cx', 'kang-lowcplx', 'lixiao-fpga', 'zhu-array', 'kcnn', 'krp-fpga', 'scalesim-scale']) {
      const r = simulateNetwork([l], new Map([['x', { mask: zero }]]), resolveHardware(name));
      const text = JSON.stringify(r);
      expect(text).not.toMatch(/NaN|Infinity|null.*null.*null.*null.*NaN/);
      const walk = (v: unknown): void => {
        if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(r);
      expect(JSON.stringify(simulateNetwork([l], new Map([['x', { mask: zero }]]), resolveHardware(name)))).toBe(text);
    }
  });
});

describe('mask packing', () => {
  it('treats any non-zero byte as kept on both packing paths (K % 4 = 0 and not)', () => {
    for (const K of [4, 8, 5]) {
      const taps = 2;
      const L = 37;
      const mask = new Uint8Array(taps * L * K);
      const ref = new Uint8Array(mask.length);
      const vals = [0, 1, 2, 127, 128, 255, 0, 0, 64];
      for (let i = 0; i < mask.length; i++) {
        mask[i] = vals[(i * 7 + 3) % vals.length]!;
        ref[i] = mask[i] ? 1 : 0;
      }
      const a = packMask(mask, taps, L, K);
      const b = packMask(ref, taps, L, K);
      expect(Array.from(a.rows)).toEqual(Array.from(b.rows));
      expect(a.nnz).toBe(ref.reduce((x, y) => x + y, 0));
      expect(a.hash).toBe(b.hash);
    }
  });
});
