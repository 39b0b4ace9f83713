/**
 * Group engine (METHODS §7.2, §4.3): Tk PEs on Tk output channels, a window of g activations per step,
 * M multipliers per PE. Covers dense, balanced (vector/block groups), irregular, Cambricon-X-like
 * (lock-step, groups aligned to buffer rows), the non-lockstep FIFO variant and the AAP
 * low-complexity PE (M = the layer's keep count n).
 */
import { packingFactor } from '../hardware.js';
import { weightStorage, tiledTraffic } from '../storage.js';
import type { WeightFormat } from '../storage.js';
import type { GroupParams } from '../types.js';
import type { TileStats } from '../windows.js';
import { denseTileStats, laneCycles, laneWork, lockstepCycles, nonLockstepCycles, windowSums } from '../windows.js';
import type { EngineContext, EngineResult } from './common.js';
import { activationDensity, countsOf, maskView, ratio, tileStatsOf } from './common.js';
import { exactActivationWindows } from './group-activations.js';

/** Group / AAP engine for one layer: cycles from cached window histograms (M-independent), traffic per METHODS §7.4. */
export function groupEngine(ctx: EngineContext): EngineResult {
  const { wl, hw, bw, ba } = ctx;
  const gp = hw.group as GroupParams;
  const notes: string[] = [];
  const pf = packingFactor(hw, bw, ba);
  const gc = countsOf(ctx, gp.g, gp.windowAxis);
  const pixels = wl.M;
  const view = maskView(wl, gp.windowAxis);
  const taps = view.taps;
  // AAP low-complexity: the PE has n multipliers, n = the layer's balanced keep count (METHODS §4.3b).
  let mBase = gp.m;
  if (hw.engine === 'aap-lowcplx') {
    if (gc && gc.balancedN !== null && gc.balancedN > 0) mBase = gc.balancedN;
    else if (gc) notes.push(`aap-lowcplx: mask is not g:n balanced for g = ${gp.g}; using m = ${gp.m}`);
  }
  const M = mBase * pf;
  // groupsPerStep 'fill' [I]: a PE whose layer keeps n of g takes ⌊M/n⌋ groups per step (per-layer n register).
  const nLayer = gc ? Math.max(1, gc.balancedN ?? gc.maxFull) : gp.g;
  const stepGroups = gp.groupsPerStep === 'fill' ? Math.max(1, Math.floor(M / nLayer)) : 1;
  const gStep = gp.g * stepGroups;
  const gcStep = stepGroups > 1 ? countsOf(ctx, gStep, gp.windowAxis) : gc;
  const dense = denseTileStats(taps, view.laneLen, wl.outC, gp.g, gp.tk, wl.lanesPerGroup, gp.groupShape);
  const ts: TileStats = gcStep ? tileStatsOf(ctx, gcStep, gp.tk, wl.lanesPerGroup, gp.groupShape) : dense;
  const d = activationDensity(ctx);
  const pass = (t: TileStats, m: number, dd: number): number =>
    gp.lockstep ? lockstepCycles(t, m, dd) : nonLockstepCycles(t, m, dd);

  let compute: number;
  let useful: number;
  let sumMax: number;
  let sumMean: number;
  const exact =
    ctx.comp.activationMask &&
    wl.kind !== 'depthwise' &&
    gp.groupShape === 'vector' &&
    gp.windowAxis === 'channel' &&
    stepGroups === 1;
  if (ctx.comp.activationMask && !exact)
    notes.push('activation mask ignored (exact skipping needs vector groups, non-depthwise)');
  if (exact) {
    const r = exactActivationWindows(ctx, gp, M);
    compute = r.cycles;
    useful = r.useful;
    sumMax = r.sumMax;
    sumMean = r.sumMean;
  } else {
    compute = pixels * pass(ts, M, d);
    useful = pixels * ts.nnz * d;
    const s = windowSums(ts);
    sumMax = s.sumMax * d;
    sumMean = s.sumMean * d;
  }
  const denseCycles = pixels * pass(dense, M, 1) + gp.layerOverheadCycles;
  const denseUnpacked = pixels * pass(dense, mBase, 1) + gp.layerOverheadCycles;
  const slots = compute * gp.tk * M;
  compute += gp.layerOverheadCycles;

  const nnzW = ts.nnz;
  const sparseFmt = gc !== null;
  const format: WeightFormat = ctx.comp.format ?? (!gc ? 'dense' : gc.balancedN !== null ? 'balanced' : 'irregular');
  const w = weightStorage(format, {
    weights: wl.weightElems,
    nnz: nnzW,
    groups: gc ? gc.counts.length : 0,
    g: gp.g,
    bw,
  });
  const actReads = pixels * ts.tileCount * taps * view.laneLen;
  const wtReads = pixels * nnzW;
  let rowReads: number;
  if (gp.alignGroupsToRows) {
    let s = 0;
    laneCycles(ts, M).forEach((v, k) => (s += v * (ts.laneWeight[k] as number)));
    rowReads = pixels * s;
  } else {
    rowReads = 0;
    const lw = laneWork(ts);
    for (let k = 0; k < ts.laneWeight.length; k++)
      rowReads += (ts.laneWeight[k] as number) * Math.ceil((pixels * (lw[k] as number)) / M);
  }
  const idxBits = sparseFmt ? Math.ceil(Math.log2(Math.max(gp.g, 2))) : 0;
  const traffic = tiledTraffic(wl, hw, w, gp.tk, ba);
  return {
    computeCycles: compute,
    denseCycles,
    denseUnpackedCycles: denseUnpacked,
    usefulMacs: useful,
    multiplications: useful,
    additions: useful,
    slots,
    loadImbalance: ratio(sumMax, sumMean),
    imbalance: sumMax > 0 ? 1 - sumMean / sumMax : null,
    packingFactor: pf,
    accesses: { actReads, wtReads, idxReads: sparseFmt ? wtReads : 0, rowReads, outWrites: pixels * wl.outC },
    sramReadBits: { ifmap: actReads * ba, filter: wtReads * bw, metadata: sparseFmt ? wtReads * idxBits : 0 },
    sramWriteBits: pixels * wl.outC * ba,
    dramBits: { ifmap: traffic.ifmap, filter: traffic.filter, ofmap: traffic.ofmap, metadata: traffic.metadata },
    storageBits: w.data + w.metadata,
    extra: {
      format,
      multipliersPerPe: M,
      keepPerGroup: gc ? gc.balancedN : null,
      groupsPerStep: stepGroups,
      rhoIn: traffic.rhoIn,
      rhoW: traffic.rhoW,
      weightDataBits: w.data,
      weightMetadataBits: w.metadata,
    },
    notes,
  };
}
