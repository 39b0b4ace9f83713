/**
 * Reconfigurable sub-word array (docs/simulator.md §5.2; Zhu et al. 2024): P PEs with a Dp-bit datapath split
 * into lanes(b) MACs per cycle. A DENSE array: zero weights are computed like any other (masks change nothing
 * but the gated-multiplier energy), and weights are stored dense.
 *   T = T_ctrl + T_comp (+ or max) T_mem,
 *   T_ctrl = tCtrl + ctrlPerMacCycle·⌈MAC/P⌉  (control that packing does not shorten),
 *   T_comp = ⌈MAC / (P·lanes)⌉,  lanes = ⌊Dp / max(b_w, b_a)⌋ (the wider operand sets the split: W4A8 runs 2 lanes),
 *   T_mem = c_mem · words,  words = ⌈in·b_a/Bw⌉ + ⌈weights·b_w/Bw⌉ + ⌈out·b_out/Bw⌉,
 * with b_out = Dp (`outputWords: 'datapath'`) or b_a (`'operand'`).
 */
import { weightBits } from '../storage.js';
import type { SubwordParams } from '../types.js';
import type { EngineContext, EngineResult } from './common.js';
import { packedOf } from './common.js';

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
  const macs = wl.denseMacs;
  const fullWidthCycles = Math.ceil(macs / sw.pes);
  const tCtrl = sw.tCtrl + sw.ctrlPerMacCycle * fullWidthCycles;
  const tComp = Math.ceil(macs / (sw.pes * lanes));
  const outBits = sw.outputWords === 'datapath' ? Math.max(sw.datapathBits, ba) : ba;
  const words = (elems: number, b: number): number => Math.ceil((elems * b) / sw.busBits);
  const inWords = words(wl.inputElems, ba);
  const wWords = words(wl.weightElems, bw);
  const outWords = words(wl.outputElems, outBits);
  const memoryCycles = sw.cMem * (inWords + wWords + outWords);
  const w = weightBits(
    wl,
    { values: { kind: 'fixed', bits: bw }, sparsity: { kind: 'dense' } },
    { nnz: wl.weightElems },
  );
  // Zero weights still occupy lanes; only their multiplier toggles (energy) are saved.
  const kept = packedOf(ctx, 'flat')?.nnz ?? wl.weightElems;
  const useful = (macs * kept) / wl.weightElems;
  return {
    computeCycles: tCtrl + tComp,
    memoryCycles,
    usefulMacs: useful,
    multiplications: useful,
    additions: useful,
    slots: tComp * sw.pes * lanes,
    loadImbalance: null,
    imbalance: null,
    packingFactor: lanes,
    accesses: { actReads: macs, wtReads: macs, idxReads: 0, rowReads: 0, outWrites: wl.outputElems },
    sramReadBits: { ifmap: macs * ba, filter: macs * bw, metadata: 0 },
    sramWriteBits: wl.outputElems * outBits,
    dramBits: { ifmap: inWords * sw.busBits, filter: wWords * sw.busBits, ofmap: outWords * sw.busBits, metadata: 0 },
    storageBits: w.data,
    extra: {
      lanes,
      controlCycles: tCtrl,
      inputWords: inWords,
      weightWords: wWords,
      outputWords: outWords,
      memoryWords: inWords + wWords + outWords,
    },
    notes: ['subword: no per-PE lanes model, loadImbalance undefined'],
  };
}
