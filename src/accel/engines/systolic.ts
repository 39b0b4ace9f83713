/**
 * Systolic engine: dense OS/WS/IS closed form with SCALE-Sim v2 parity (docs/simulator.md §1) and the sparse
 * weight-stationary variant of §4.3 (K cut into groups of g, each given n mux rows; window = (column
 * fold, group), lane = filter column; K'_j = Σ_q n·⌈max_col c / n⌉).
 */
import { packingFactor } from '../hardware.js';
import { IRREGULAR, indexBits, layerWeightBits } from '../storage.js';
import { dramRefetch, mapGemm, scalesimActiveElems, sramCounts } from '../systolic-core.js';
import type { SystolicParams } from '../types.js';
import type { TileStats } from '../windows.js';
import { denseTileStats, windowSums } from '../windows.js';
import { touchedExtent } from '../workload.js';
import type { EngineContext, EngineResult } from './common.js';
import { countsOf, maskView, packedOf, ratio, tileStatsOf } from './common.js';

/** Σ over column folds of ⌈K'_j/pf⌉-row folds · P − one per GEMM; also returns K'_j per tile. */
function sparseWsCycles(ts: TileStats, n: number, R: number, C: number, M: number, pf: number, gemms: number) {
  const kRows = new Float64Array(ts.tiles);
  let cycles = 0;
  let rowFolds = 0;
  let busyTiles = 0;
  for (let t = 0; t < ts.tiles; t++) {
    let k = 0;
    for (let i = 0; i < ts.bins; i++) {
      const v = ts.binBase + i;
      if (v > 0) k += (ts.maxHist[t * ts.bins + i] as number) * n * Math.ceil(v / n);
    }
    kRows[t] = k;
    const f = Math.ceil(Math.ceil(k / pf) / R);
    rowFolds += f * (ts.tileWeight[t] as number);
    cycles += f * (2 * R + C + M - 2) * (ts.tileWeight[t] as number);
    if (f > 0) busyTiles += ts.tileWeight[t] as number;
  }
  // v2's −1 per GEMM applies to GEMMs that run at all (a fully pruned layer takes 0 cycles, not −1)
  return { cycles: cycles - Math.min(gemms, busyTiles), kRows, rowFolds };
}

/** Systolic engine for one layer: `groups` GEMMs `[M, K] × [K, N]` on an R×C array; counts in elements, traffic in bits. */
export function systolicEngine(ctx: EngineContext): EngineResult {
  const { wl, hw, bw, ba, compat } = ctx;
  const sp = hw.systolic as SystolicParams;
  const { rows: R, cols: C, dataflow: df } = sp;
  const notes: string[] = [];
  const pf = packingFactor(hw, bw, ba);
  const G = wl.groups;
  const { M, K, N } = wl;
  const map1 = mapGemm(M, K, N, R, C, df);
  const mapP = mapGemm(M, Math.ceil(K / pf), N, R, C, df);
  const sram = sramCounts(M, K, N, map1, df, R, C);

  // DRAM (elements) via the refetch rule, per GEMM group.
  const rowsT = touchedExtent(wl.H, wl.Fh, wl.Sh, wl.E);
  const colsT = touchedExtent(wl.W, wl.Fw, wl.Sw, wl.F);
  // scalesim: the (padded) topology sizes are the ifmap; native: padding zeros are not fetched from DRAM.
  const Ui = compat === 'scalesim' ? rowsT * colsT * wl.Cg : Math.min(rowsT, wl.inH) * Math.min(colsT, wl.inW) * wl.Cg;
  const half = hw.memory.doubleBuffered ? 2 : 1;
  const active = (bytes: number, bits: number): number =>
    compat === 'scalesim' ? scalesimActiveElems(bytes) : Math.floor((bytes * 8) / bits / half);
  const dram = dramRefetch(
    {
      Ui,
      K,
      N,
      M,
      taps: wl.Fh * wl.Fw,
      ifmapActive: active(hw.memory.ifmapSramBytes, ba),
      filterActive: active(hw.memory.filterSramBytes, bw),
      C,
    },
    map1,
    df,
  );
  // A DRAM fetch serves at least one SRAM read: cap the refetch rule at the SRAM read count.
  dram.ifmapReads = Math.min(dram.ifmapReads, sram.ifmapReads);
  dram.filterReads = Math.min(dram.filterReads, sram.filterReads);
  const ofmapDram = compat === 'scalesim' ? dram.ofmapWrites : M * N;

  // K of the GEMM is the flattened (kh, kw, c) axis: groups of g are cut along it (docs/simulator.md §4.3).
  const gc = sp.sparse ? countsOf(ctx, sp.sparse.g, 'flat') : null;
  let compute = G * mapP.cycles;
  let useful = wl.denseMacs;
  let loadImbalance: number | null = null;
  let imbalance: number | null = null;
  let filterSramElems = G * sram.filterReads;
  let metaBitsPerElem = 0;
  // v2's OS ofmap quirk (+folds·(R+C)) is book-keeping: copied in scalesim mode only.
  let ofmapSramElems = G * (compat === 'scalesim' || df !== 'os' ? sram.ofmapWrites : M * N);
  let ifmapSramElems = G * sram.ifmapReads;
  const mask = ctx.comp.mask;
  let nnz = wl.weightElems;
  if (mask && !sp.sparse) {
    const p = packedOf(ctx, 'flat');
    nnz = p ? p.nnz : nnz;
    useful = (wl.denseMacs * nnz) / wl.weightElems;
    notes.push('dense array: cycles do not depend on the mask; zero weights are gated (energy only)');
  }
  if (sp.sparse) {
    const { g, n } = sp.sparse;
    const v = maskView(wl, 'flat');
    const dts = denseTileStats(v.taps, v.laneLen, wl.outC, g, C, wl.N, 'vector');
    const ts = gc ? tileStatsOf(ctx, gc, C, wl.N, 'vector') : dts;
    const sc = sparseWsCycles(ts, n, R, C, M, pf, G);
    compute = sc.cycles;
    nnz = ts.nnz;
    useful = M * nnz;
    const s = windowSums(ts);
    loadImbalance = ratio(s.sumMax, s.sumMean);
    imbalance = s.sumMax > 0 ? 1 - s.sumMean / s.sumMax : null;
    filterSramElems = 0;
    ofmapSramElems = 0;
    for (let t = 0; t < ts.tiles; t++) {
      const lanes = (ts.tileLanes[t] as number) * (ts.tileWeight[t] as number);
      filterSramElems += (sc.kRows[t] as number) * lanes;
      ofmapSramElems += Math.ceil(Math.ceil((sc.kRows[t] as number) / pf) / R) * M * lanes;
    }
    ifmapSramElems = G * map1.cf * M * K;
    metaBitsPerElem = indexBits(g);
  }
  // A dense array stores every weight; a sparse one the layer's format (balanced for its g when it fits).
  const w = sp.sparse
    ? layerWeightBits(
        ctx,
        () => (gc?.balancedN != null ? { kind: 'balanced', groupSize: sp.sparse?.g ?? 1 } : IRREGULAR),
        { nnz, mask },
      )
    : layerWeightBits({ ...ctx, comp: {} }, () => ({ kind: 'dense' }), { nnz: wl.weightElems });
  const filterRefetch = dram.filterReads / (K * N);
  const ofmapWrites = ofmapSramElems;
  const macsPerPass = wl.denseMacs;
  const res: EngineResult = {
    computeCycles: compute,
    usefulMacs: useful,
    multiplications: useful,
    additions: useful,
    slots: compute * R * C * pf,
    loadImbalance,
    imbalance,
    packingFactor: pf,
    accesses: {
      actReads: ifmapSramElems,
      wtReads: filterSramElems,
      idxReads: metaBitsPerElem > 0 ? filterSramElems : 0,
      rowReads: 0,
      outWrites: ofmapWrites,
    },
    sramReadBits: {
      ifmap: ifmapSramElems * ba,
      filter: filterSramElems * bw,
      metadata: filterSramElems * metaBitsPerElem,
    },
    sramWriteBits: ofmapWrites * ba,
    // Weight bits are per layer; the refetch factor applies to the whole filter tensor.
    dramBits: {
      ifmap: G * dram.ifmapReads * ba,
      filter: w.data * filterRefetch,
      metadata: w.metadata * filterRefetch,
      ofmap: G * ofmapDram * ba,
    },
    storageBits: w.data + w.metadata,
    extra: {
      format: w.format,
      rowFolds: map1.rf,
      colFolds: map1.cf,
      folds: map1.folds,
      cyclesPerFold: map1.P,
      dramIfmapRefetch: Ui > 0 ? dram.ifmapReads / Ui : null,
      dramFilterRefetch: filterRefetch,
    },
    notes,
  };
  if (!sp.sparse) {
    res.scalesim = {
      overallUtilPct: (100 * macsPerPass) / (compute * R * C),
      mappingEfficiencyPct: mapP.mappingEfficiencyPct,
      computeUtilPct: mapP.computeUtilPct,
      sramIfmapReads: G * sram.ifmapReads,
      sramFilterReads: G * sram.filterReads,
      sramOfmapWrites: G * sram.ofmapWrites,
      dramIfmapReads: G * dram.ifmapReads,
      dramFilterReads: G * dram.filterReads,
      dramOfmapWrites: G * ofmapDram,
    };
  }
  return res;
}
