import { describe, expect, it } from 'vitest';
import { createMaskStatsCache, resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import type { LayerCompression, NetworkReport } from '../../../src/accel/index.js';
import { ZHU_CTRL_PER_MAC_CYCLE } from '../../../src/accel/presets.js';
import { convLayers, vgg16 } from '../../../src/reproduce/nets.js';
import type { LayerDescriptor } from '../../../src/shared/layer.js';
import { balancedMask, conv, fc, randomMask } from './helpers.js';

/** VGG-16's 13 convs at ImageNet shapes (the issue's network). */
const VGG = convLayers(vgg16());
const cache = createMaskStatsCache();
const run = (preset: string, comp: ReadonlyMap<string, LayerCompression>, layers: LayerDescriptor[] = VGG) =>
  simulateNetwork(layers, comp, resolveHardware(preset), { cache });
const sp = (r: NetworkReport) => r.speedup.speedup!;

/** g:n balanced masks on every VGG-16 conv except conv1_1 (C = 3 < g stays dense, as in Kang and Li & Xiao). */
function balanced(g: number, n: number, seed: number): Map<string, LayerCompression> {
  return new Map(
    VGG.slice(1).map((l, i) => [l.name, { mask: balancedMask(9, l.inC, l.outC, g, n, seed + i) }] as const),
  );
}
/** Unstructured masks keeping each weight with probability `keep` (conv1_1 dense). */
function unstructured(keep: number, seed: number): Map<string, LayerCompression> {
  return new Map(
    VGG.slice(1).map((l, i) => [l.name, { mask: randomMask(9 * l.inC * l.outC, keep, seed + i) }] as const),
  );
}
const widths = (w: number, a: number) => new Map(VGG.map((l) => [l.name, { weightBits: w, activationBits: a }]));

describe('zhu-array: a dense, width-scalable array with a calibrated fixed part (Zhu et al. 2024)', () => {
  const words = (r: NetworkReport) => r.layers.reduce((n, l) => n + (l.extra['memoryWords'] as number), 0);
  it('VGG-16 at 16 / 8 / 4 bits lands within 10 % of 1.012 / 1.273 / 1.556; memory words fall about half', () => {
    const [r16, r8, r4] = [
      run('zhu-array', widths(16, 16)),
      run('zhu-array', widths(8, 8)),
      run('zhu-array', widths(4, 4)),
    ];
    expect(sp(r16)).toBe(1);
    expect(Math.abs(sp(r16) / 1.012 - 1)).toBeLessThan(0.1);
    expect(Math.abs(sp(r8) / 1.273 - 1)).toBeLessThan(0.1);
    expect(Math.abs(sp(r4) / 1.556 - 1)).toBeLessThan(0.1);
    const saved = 1 - words(r4) / words(r16);
    expect(saved).toBeGreaterThan(0.4);
    expect(saved).toBeLessThan(0.6);
    expect(r8.speedup.factors.weightSparsity).toBe(1);
  });
  it('the control constant is the least-squares fit of log speedups to 1.273 and 1.556 (0.01 grid)', () => {
    const err = (c: number) => {
      const hw = resolveHardware({ base: 'zhu-array', name: 'zfit', subword: { ctrlPerMacCycle: c } });
      const s = (b: number) => simulateNetwork(VGG, widths(b, b), hw).speedup.speedup!;
      return Math.log(s(8) / 1.273) ** 2 + Math.log(s(4) / 1.556) ** 2;
    };
    const here = err(ZHU_CTRL_PER_MAC_CYCLE);
    expect(here).toBeLessThan(err(ZHU_CTRL_PER_MAC_CYCLE - 0.01));
    expect(here).toBeLessThan(err(ZHU_CTRL_PER_MAC_CYCLE + 0.01));
  });
  it('pruning alone gives exactly 1.0 (zero weights are computed like any other)', () => {
    const r = run('zhu-array', unstructured(0.5, 3));
    expect(sp(r)).toBe(1);
    expect(r.totals.usefulMacs).toBeLessThan(r.totals.denseMacs);
  });
  it('W4A8 is defined: the wider operand sets the lanes (compute as W8A8), weight words as 4-bit', () => {
    const [w8, w48] = [run('zhu-array', widths(8, 8)), run('zhu-array', widths(4, 8))];
    expect(w48.totals.computeCycles).toBe(w8.totals.computeCycles);
    expect(w48.layers[3]!.extra['weightWords']).toBe((w8.layers[3]!.extra['weightWords'] as number) / 2);
    expect(sp(w48)).toBeGreaterThan(sp(w8));
  });
});

describe('kang-cx: Cambricon-X-like, skips zero weights only (Kang 2020)', () => {
  it('AAP 16:4 runs about 2x the unconstrained 75 % on VGG-16, both within 1/(1-r)', () => {
    const aap = run('kang-cx', balanced(16, 4, 1));
    const un = run('kang-cx', unstructured(0.25, 2));
    expect(sp(aap) / sp(un)).toBeGreaterThan(1.8);
    expect(sp(aap) / sp(un)).toBeLessThan(2.2);
    expect(sp(aap)).toBeLessThanOrEqual(4);
    expect(sp(un)).toBeLessThanOrEqual(4);
  });
  it('50 % pruning stays within 1/(1-r) = 2; activation density alone changes nothing', () => {
    expect(sp(run('kang-cx', balanced(16, 8, 3)))).toBeLessThanOrEqual(2);
    expect(sp(run('kang-cx', unstructured(0.5, 4)))).toBeLessThanOrEqual(2);
    const dens = new Map(VGG.map((l) => [l.name, { activationDensity: 0.5 }]));
    expect(sp(run('kang-cx', dens))).toBe(1);
  });
  it('misaligned groups cost cycles: 16:5 (20 per window of 64) is slower aligned than with packed rows', () => {
    const l = [conv('c', 14, 14, 256, 64, 3, 1, 1)];
    const comp = new Map([['c', { mask: balancedMask(9, 256, 64, 16, 5, 7) }]]);
    const aligned = run('kang-cx', comp, l);
    const packed = simulateNetwork(
      l,
      comp,
      resolveHardware({ base: 'kang-cx', name: 'cx-packed', group: { alignGroupsToRows: false } }),
    );
    expect(aligned.totals.computeCycles).toBe(packed.totals.computeCycles * (2 / 1.25)); // 2 rows vs 1.25 per window
    expect(aligned.layers[0]!.accesses.rowReads).toBeGreaterThan(packed.layers[0]!.accesses.rowReads);
  });
});

describe('lixiao-fpga: packed INT8 configurable-sparsity PE (Li & Xiao 2024)', () => {
  it("n = 8, 6, 5 of 16 speed up strictly increasingly, within the paper's 3.65x and 1/(1-r)", () => {
    const s = [8, 6, 5].map((n, i) => sp(run('lixiao-fpga', balanced(16, n, 10 + i))));
    expect(s[0]!).toBeLessThan(s[1]!);
    expect(s[1]!).toBeLessThan(s[2]!);
    expect(s[2]!).toBeLessThanOrEqual(16 / 5);
    expect(s[2]!).toBeLessThanOrEqual(3.65);
    expect(s[0]!).toBeGreaterThan(1.9);
  });
});

describe('kang-lowcplx: one fixed AAP PE (4 multipliers, 16:1 muxes), compared with itself running dense', () => {
  it('dense windows of 16 take 4 cycles, a 16:4 window 1: g/n = 4x on VGG-16', () => {
    const l = [conv('c', 4, 4, 64, 16, 1)];
    const dense = run('kang-lowcplx', new Map(), l);
    expect(dense.totals.computeCycles).toBe(16 * 4 * 4); // 16 pixels x 4 windows x 4 cycles
    const r = run('kang-lowcplx', balanced(16, 4, 5));
    expect(sp(r)).toBeGreaterThan(3.8);
    expect(sp(r)).toBeLessThanOrEqual(4);
  });
});

describe('kcnn: equal-area dense reference, multiplications and additions counted apart', () => {
  it('the uncompressed network runs 8 MACs per PE per cycle, one multiplication and one addition each', () => {
    const l = [conv('c', 6, 6, 32, 16, 3, 1, 1)];
    const r = run('kcnn', new Map(), l);
    expect(r.totals.computeCycles).toBe(36 * Math.ceil((9 * 32) / 8));
    expect(r.totals.multiplications).toBe(r.totals.denseMacs);
    expect(r.totals.additions).toBe(r.totals.denseMacs);
  });
  it('16 clusters: at most 16 multiplications per output, bucket additions plus one per product', () => {
    const l = [conv('c', 6, 6, 32, 16, 3, 1, 1)];
    // code of weight (t, c, k) at (t·32 + c)·16 + k: 16 distinct codes along (t, c) for every output channel
    const codes = Uint16Array.from({ length: 9 * 32 * 16 }, (_, i) => 1 + (Math.floor(i / 16) % 16));
    const r = run('kcnn', new Map([['c', { weightCodes: codes, weightClusters: 16 }]]), l);
    expect(r.totals.multiplications).toBe(36 * 16 * 16);
    expect(r.totals.additions).toBe(r.totals.denseMacs + r.totals.multiplications);
    expect(r.speedup.factors.clustering!).toBeGreaterThan(1);
  });
});

describe('krp-fpga: kernel rows on the row-mux PE', () => {
  it('one kept row of 3 runs 3x its dense kernels on the same kernel-PEs; FC sparsity reaches storage', () => {
    const l = [conv('c', 8, 8, 16, 16, 3, 1, 1), fc('f', 256, 64)];
    const row = new Uint8Array(9 * 16 * 16);
    for (let c = 0; c < 16; c++)
      for (let k = 0; k < 16; k++) for (let j = 0; j < 3; j++) row[((3 + j) * 16 + c) * 16 + k] = 1;
    const f = (keep: number) =>
      run(
        'krp-fpga',
        new Map([
          ['c', { mask: row }],
          ['f', { mask: randomMask(256 * 64, keep, 1) }],
        ]),
        l,
      );
    expect(f(0.1).layers[0]!.referenceComputeCycles).toBe(3 * f(0.1).layers[0]!.computeCycles);
    expect(f(0.05).totals.storageBits).toBeLessThan(f(0.1).totals.storageBits);
  });
});
