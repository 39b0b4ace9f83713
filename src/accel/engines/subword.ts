/**
 * Reconfigurable sub-word array (METHODS §3.4, §7.3): P PEs with a Dp-bit datapath split into
 * lanes(b) MACs per cycle. T = T_ctrl + T_comp (+ or max) T_mem with
 * T_comp = ⌈MAC_eff / (P·lanes)⌉ and T_mem = c_mem · Σ_tensors ⌈N_elem·b / Bw⌉.
 */
import { weightStorage } from '../storage.js';
import type { SubwordParams } from '../types.js';
import type { EngineContext, EngineResult } from './common.js';
import { activationDensity, packedOf } from './common.js';

/** Sub-word lanes per PE for operand widths (dsp: ⌊Dp/max(bw,ba)⌋, bitfusion: ⌊Dp/ba⌋·⌊Dp/bw⌋; < 1 when wider than Dp). */
export function subwordLanes(
  style: 'none' | 'dsp' | 'bitfusion',
  Dp: number,
  bw: number,
  ba: number,
  maxFactor: number,
): number {
  if (style === 'none') return 1;
  const l = style === 'dsp' ? Math.floor(Dp / Math.max(bw, ba)) : Math.floor(Dp / ba) * Math.floor(Dp / bw);
  // operands wider than the datapath take several passes (fractional lanes)
  if (l < 1)
    return style === 'dsp' ? 1 / Math.ceil(Math.max(bw, ba) / Dp) : 1 / (Math.ceil(ba / Dp) * Math.ceil(bw / Dp));
  return Math.min(maxFactor, l);
}

/** Sub-word engine for one layer; memory time in bus words is returned as `memoryCycles`. */
export function subwordEngine(ctx: EngineContext): EngineResult {
  const { wl, hw, bw, ba } = ctx;
  const sw = hw.subword as SubwordParams;
  const lanes = subwordLanes(hw.packing.style, sw.datapathBits, bw, ba, hw.packing.maxFactor);
  const p = packedOf(ctx, 'flat');
  const nnz = p ? p.nnz : wl.weightElems;
  const d = activationDensity(ctx);
  const useful = ((wl.denseMacs * nnz) / wl.weightElems) * d;
  const tComp = Math.ceil(useful / (sw.pes * lanes));
  const words = (elems: number, b: number): number => Math.ceil((elems * b) / sw.busBits);
  const inWords = words(wl.inputElems, ba);
  const wWords = words(wl.weightElems, bw);
  const outWords = words(wl.outputElems, ba);
  const memoryCycles = sw.cMem * (inWords + wWords + outWords);
  const w = weightStorage('dense', { weights: wl.weightElems, nnz, groups: 0, g: 1, bw });
  return {
    computeCycles: sw.tCtrl + tComp,
    denseCycles: sw.tCtrl + Math.ceil(wl.denseMacs / (sw.pes * lanes)),
    denseUnpackedCycles: sw.tCtrl + Math.ceil(wl.denseMacs / sw.pes),
    memoryCycles,
    usefulMacs: useful,
    multiplications: useful,
    additions: useful,
    slots: tComp * sw.pes * lanes,
    loadImbalance: null,
    imbalance: null,
    packingFactor: lanes,
    accesses: { actReads: wl.denseMacs, wtReads: useful, idxReads: 0, rowReads: 0, outWrites: wl.outputElems },
    sramReadBits: { ifmap: wl.denseMacs * ba, filter: useful * bw, metadata: 0 },
    sramWriteBits: wl.outputElems * ba,
    dramBits: { ifmap: inWords * sw.busBits, filter: wWords * sw.busBits, ofmap: outWords * sw.busBits, metadata: 0 },
    storageBits: w.data,
    extra: {
      lanes,
      inputWords: inWords,
      weightWords: wWords,
      outputWords: outWords,
      memoryWords: inWords + wWords + outWords,
    },
    notes: ['subword: no per-PE lanes model, loadImbalance undefined'],
  };
}
