/**
 * Kernel-row engine (METHODS §6.5, §7.3): Pc×Pk kernel-PEs, each computing one output pixel per cycle
 * for one (input channel, output channel) kernel. Row-mux PEs have S multipliers and an R:1 row mux:
 * a kernel with r kept rows needs r passes; the wave of kernel-PEs runs in lock-step
 * (window = (pixel, wave), lane = kernel-PE, cycles = max kept rows).
 */
import { getPacked } from '../mask-stats.js';
import { IRREGULAR, ceilLog2, layerWeightBits, tiledTraffic } from '../storage.js';
import type { KrpParams } from '../types.js';
import type { EngineContext, EngineResult } from './common.js';
import { ratio } from './common.js';

/** Kept rows per kernel `[Cg, outC]` from the HWIO mask. */
function keptRows(ctx: EngineContext): { rows: Uint16Array; nnz: number } {
  const { wl } = ctx;
  const R = wl.Fh;
  const S = wl.Fw;
  const out = new Uint16Array(wl.Cg * wl.outC);
  const mask = ctx.comp.mask as Uint8Array;
  const p = getPacked(ctx.cache, mask, R * S, wl.Cg, wl.outC);
  for (let i = 0; i < R; i++)
    for (let k = 0; k < wl.outC; k++)
      for (let w = 0; w < p.wpr; w++) {
        let bits = 0;
        for (let j = 0; j < S; j++) bits |= p.rows[((i * S + j) * wl.outC + k) * p.wpr + w] as number;
        while (bits !== 0) {
          const b = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const c = w * 32 + b;
          out[c * wl.outC + k] = (out[c * wl.outC + k] as number) + 1;
        }
      }
  return { rows: out, nnz: p.nnz };
}

/** KRP engine for one layer (`[kh, kw, Cg, outC]` mask; kernel = (c, k) pair, row = kh index). */
export function krpEngine(ctx: EngineContext): EngineResult {
  const { wl, hw, bw, ba } = ctx;
  const kp = hw.krp as KrpParams;
  const R = wl.Fh;
  const S = wl.Fw;
  const pixels = wl.M;
  const cTiles = Math.ceil(wl.Cg / kp.pc);
  const kTiles = Math.ceil(wl.outC / kp.pk);
  let perPixel = 0;
  let sumMax = 0;
  let sumMean = 0;
  let isKrp = ctx.comp.mask !== undefined;
  let nnz = wl.weightElems;
  if (!ctx.comp.mask) {
    // dense kernels: every kernel keeps all R rows (closed form)
    perPixel = cTiles * kTiles * (kp.rowMux ? R : 1);
    sumMax = sumMean = cTiles * kTiles * R;
  } else {
    const kr = keptRows(ctx);
    nnz = kr.nnz;
    const rows = kr.rows;
    for (let ct = 0; ct < cTiles; ct++)
      for (let kt = 0; kt < kTiles; kt++) {
        let mx = 0;
        let s = 0;
        let lanes = 0;
        for (let c = ct * kp.pc; c < Math.min(wl.Cg, (ct + 1) * kp.pc); c++)
          for (let k = kt * kp.pk; k < Math.min(wl.outC, (kt + 1) * kp.pk); k++) {
            const r = rows[c * wl.outC + k] as number;
            if (r > 1) isKrp = false;
            mx = Math.max(mx, r);
            s += r;
            lanes++;
          }
        perPixel += kp.rowMux ? Math.max(1, mx) : 1;
        sumMax += mx;
        sumMean += s / lanes;
      }
  }
  const waves = cTiles * kTiles;
  const compute = pixels * perPixel;
  const macsPerPe = kp.rowMux ? S : R * S;
  // Shifters multiply by powers of two only: a layer known to hold other weights is counted on multipliers.
  const fmt = ctx.comp.weightFormat;
  const shifts = kp.shifters && (fmt === undefined || fmt === 'pow2');
  const multipliers = shifts ? 0 : kp.pc * kp.pk * macsPerPe;
  const useful = (wl.denseMacs * nnz) / wl.weightElems;
  const kernels = wl.Cg * wl.outC;
  // Kernel-row masks store one row per kernel; any other mask (FC layers, 1x1 convs) is stored sparse too.
  if (isKrp && R < 2) isKrp = false;
  const w = layerWeightBits(ctx, () => (isKrp ? { kind: 'krp' } : IRREGULAR), { nnz, mask: ctx.comp.mask });
  const format = w.format;
  const wtReads = kp.weightStationary ? (isKrp ? kernels * S : wl.weightElems) : pixels * kernels * (isKrp ? S : R * S);
  const idxReads = isKrp ? (kp.weightStationary ? kernels : pixels * kernels) : 0;
  const actReads = pixels * kernels * macsPerPe;
  const traffic = tiledTraffic(wl, hw, w, kp.pk, ba);
  return {
    computeCycles: compute,
    usefulMacs: useful,
    multiplications: shifts ? 0 : useful,
    additions: useful,
    slots: compute * kp.pc * kp.pk * macsPerPe,
    loadImbalance: ratio(sumMax, sumMean),
    imbalance: sumMax > 0 ? 1 - sumMean / sumMax : null,
    packingFactor: 1,
    accesses: { actReads, wtReads, idxReads, rowReads: 0, outWrites: pixels * wl.outC },
    sramReadBits: { ifmap: actReads * ba, filter: wtReads * bw, metadata: idxReads * ceilLog2(R) },
    sramWriteBits: pixels * wl.outC * ba,
    dramBits: { ifmap: traffic.ifmap, filter: traffic.filter, ofmap: traffic.ofmap, metadata: traffic.metadata },
    storageBits: w.data + w.metadata,
    extra: {
      format,
      multipliers,
      shifters: shifts ? kp.pc * kp.pk * macsPerPe : 0,
      kernelPes: kp.pc * kp.pk,
      waves,
    },
    notes: shifts
      ? ['shifters: power-of-two weights, products counted as shift-adds (multiplications = 0)']
      : kp.shifters
        ? [`shifters: the layer's weights are ${fmt}, not powers of two; products counted as multiplications`]
        : [],
  };
}
