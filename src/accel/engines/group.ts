/**
 * Group engine (docs/simulator.md §4.3, §5.1): Tk PEs on Tk output channels, a window of g activations per step,
 * M multipliers per PE. Covers dense, balanced (vector/block groups), irregular, Cambricon-X-like (lock-step,
 * each window's weights starting a new buffer row), packed configurable-sparsity PEs, the non-lockstep FIFO
 * variant and the AAP low-complexity PE (a fixed n multipliers with g:1 muxes). The machine's reference run is
 * this same engine on the uncompressed layer (simulate.ts); nothing here models another machine.
 */
import { packingFactor } from '../hardware.js';
import { IRREGULAR, indexBits, layerWeightBits, tiledTraffic } from '../storage.js';
import type { GroupParams } from '../types.js';
import type { TileStats, WindowRule } from '../windows.js';
import { denseTileStats, laneCycles, lockstepCycles, nonLockstepCycles, windowSums } from '../windows.js';
import type { EngineContext, EngineResult } from './common.js';
import { activationDensity, activationMask, countsOf, maskView, ratio, tileStatsOf } from './common.js';
import { exactActivationWindows } from './group-activations.js';

/** Group / AAP engine for one layer: cycles from cached window histograms (M-independent), traffic per §4.6. */
export function groupEngine(ctx: EngineContext): EngineResult {
  const { wl, hw, bw, ba } = ctx;
  const gp = hw.group as GroupParams;
  const notes: string[] = [];
  const pf = packingFactor(hw, bw, ba);
  const gc = countsOf(ctx, gp.g, gp.windowAxis);
  const pixels = wl.M;
  const view = maskView(wl, gp.windowAxis);
  const taps = view.taps;
  const M = gp.m * pf;
  const dense = denseTileStats(taps, view.laneLen, wl.outC, gp.g, gp.tk, wl.lanesPerGroup, gp.groupShape);
  const ts: TileStats = gc ? tileStatsOf(ctx, gc, gp.tk, wl.lanesPerGroup, gp.groupShape) : dense;
  const rule: WindowRule = { aligned: gp.alignGroupsToRows, minPerWindow: ts.stepsPerWindow / gp.fetchWindowsPerCycle };
  const d = activationDensity(ctx);
  const am = activationMask(ctx);
  if (ctx.comp.activationDensity !== undefined && ctx.comp.activationDensity < 1 && !hw.skipZeroActivations)
    notes.push('activationDensity ignored: this hardware does not skip zero activations');

  let compute: number;
  let useful: number;
  let sumMax: number;
  let sumMean: number;
  const exact =
    am !== undefined &&
    wl.kind !== 'depthwise' &&
    gp.groupShape === 'vector' &&
    gp.windowAxis === 'channel' &&
    gp.alignGroupsToRows &&
    gp.fetchWindowsPerCycle === 1;
  if (am && !exact)
    notes.push(
      'activation mask ignored (exact skipping needs vector channel windows, aligned rows, one fetch per cycle, non-depthwise)',
    );
  if (exact) {
    const r = exactActivationWindows(ctx, gp, M);
    compute = r.cycles;
    useful = r.useful;
    sumMax = r.sumMax;
    sumMean = r.sumMean;
  } else {
    compute = pixels * (gp.lockstep ? lockstepCycles(ts, M, d, rule) : nonLockstepCycles(ts, M, d, rule));
    useful = pixels * ts.nnz * d;
    const s = windowSums(ts);
    sumMax = s.sumMax * d;
    sumMean = s.sumMean * d;
  }
  const slots = compute * gp.tk * M;
  compute += gp.layerOverheadCycles;

  const nnzW = ts.nnz;
  const sparseFmt = gc !== null;
  const w = layerWeightBits(ctx, () => (gc?.balancedN != null ? { kind: 'balanced', groupSize: gp.g } : IRREGULAR), {
    nnz: nnzW,
    mask: ctx.comp.mask,
  });
  const actReads = pixels * ts.tileCount * taps * view.laneLen;
  const wtReads = pixels * nnzW;
  let rowReads = 0;
  laneCycles(ts, M, 1, gp.alignGroupsToRows).forEach((v, k) => (rowReads += v * (ts.laneWeight[k] as number)));
  rowReads *= pixels;
  const idxBits = sparseFmt ? indexBits(gp.g) : 0;
  const traffic = tiledTraffic(wl, hw, w, gp.tk, ba);
  return {
    computeCycles: compute,
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
      format: w.format,
      multipliersPerPe: M,
      keepPerGroup: gc ? gc.balancedN : null,
      rhoIn: traffic.rhoIn,
      rhoW: traffic.rhoW,
      weightDataBits: w.data,
      weightMetadataBits: w.metadata,
    },
    notes,
  };
}
