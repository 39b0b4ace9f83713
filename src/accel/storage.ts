/**
 * Weight storage as the simulated hardware holds it (bits from the one storage-bit model,
 * src/shared/storage-bits.ts, shared with the compression accounting) and the tiled off-chip traffic model
 * (docs/simulator.md §4.6) used by the non-systolic engines. Bits, not bytes, until the very end.
 */
import {
  DEFAULT_RELATIVE_INDEX_BITS,
  ceilLog2,
  relativeIndexEntries,
  weightStorageBits,
} from '../shared/storage-bits.js';
import type { SparseEncoding, ValueEncoding } from '../shared/storage-bits.js';
import type { EngineContext } from './engines/common.js';
import { packedOf } from './engines/common.js';
import { derived } from './mask-stats.js';
import type { HardwareConfig } from './types.js';
import type { Workload } from './workload.js';

export { ceilLog2 } from '../shared/storage-bits.js';

export interface WeightBits {
  /** Label of the format, e.g. `balanced(g=16)+fixed8`. */
  format: string;
  /** Weight values (or codes). */
  data: number;
  /** Indices, per-group counts, row ids, codebooks. */
  metadata: number;
}

/** How the hardware writes one weight: cluster codes when the layer is clustered, else `bw`-bit fixed point. */
export function valueEncoding(bw: number, clusters: number | null | undefined): ValueEncoding {
  return clusters ? { kind: 'clustered', clusters } : { kind: 'fixed', bits: bw };
}

/**
 * Storage of one layer's weights on a machine that reads sparse formats: the layer's own sparsity encoding
 * (from the trial's pruning method) when it has one, else `inferred` (called only then).
 */
export function layerWeightBits(
  ctx: EngineContext,
  inferred: () => SparseEncoding,
  kept: { nnz: number; mask?: Uint8Array | undefined },
  clusters?: number | null,
): WeightBits {
  const sparsity = ctx.comp.sparsity ?? (ctx.comp.mask ? inferred() : { kind: 'dense' });
  let relativeEntries: number | undefined;
  const mask = kept.mask;
  if (sparsity.kind === 'irregular' && sparsity.index === 'relative' && mask) {
    // One O(weights) walk per mask and index width, cached like the other mask statistics.
    const bits = sparsity.indexBits ?? DEFAULT_RELATIVE_INDEX_BITS;
    const key = `${(packedOf(ctx, 'flat') as { hash: string }).hash}|rel${bits}`;
    relativeEntries = derived(ctx.cache, key, () => relativeIndexEntries(mask, bits));
  }
  return weightBits(ctx.wl, { values: valueEncoding(ctx.bw, clusters), sparsity }, { ...kept, relativeEntries });
}

/** Storage of one layer's weights in an explicit format. */
export function weightBits(
  wl: Workload,
  format: { values: ValueEncoding; sparsity: SparseEncoding },
  kept: { nnz: number; mask?: Uint8Array | undefined; relativeEntries?: number | undefined },
): WeightBits {
  const b = weightStorageBits(wl.dims, format, kept, `layer ${wl.name}`);
  return { format: b.format, data: b.valueBits, metadata: b.indexBits + b.countBits + b.codebookBits };
}

/** Unstructured masks: relative indices (Deep Compression), as the compression accounting stores magnitude pruning. */
export const IRREGULAR: SparseEncoding = { kind: 'irregular', index: 'relative' };

/** Bits of an in-group position for a group of g (0 for g = 1). */
export const indexBits = (g: number): number => ceilLog2(g);

/** Off-chip bits per docs/simulator.md §4.6 for an engine with `tk` output channels in flight. */
export interface TiledTraffic {
  ifmap: number;
  filter: number;
  metadata: number;
  ofmap: number;
  rhoIn: number;
  rhoW: number;
}

/**
 * Inputs: `H·W·C·b_a·ρ_in`, ρ_in = 1 if they fit the ifmap buffer else ⌈K/Tk⌉. Weights: `Wbits·ρ_w`,
 * ρ_w = 1 if one Tk-channel tile fits the filter buffer, else one reload per pass of as many output
 * pixels as the ofmap buffer holds for Tk channels [I]. Outputs: `Ho·Wo·K·b_a` (psums stay on chip).
 * Usable buffer = half when double-buffered.
 */
export function tiledTraffic(wl: Workload, hw: HardwareConfig, w: WeightBits, tk: number, ba: number): TiledTraffic {
  const half = hw.memory.doubleBuffered ? 0.5 : 1;
  const inBits = wl.inputElems * ba;
  const rhoIn = inBits <= hw.memory.ifmapSramBytes * 8 * half ? 1 : Math.ceil(wl.outC / tk);
  const tileBits = ((w.data + w.metadata) * Math.min(tk, wl.outC)) / wl.outC;
  const pixelsPerPass = Math.max(1, Math.floor((hw.memory.ofmapSramBytes * 8 * half) / (Math.min(tk, wl.outC) * ba)));
  const rhoW = tileBits <= hw.memory.filterSramBytes * 8 * half ? 1 : Math.ceil(wl.M / pixelsPerPass);
  return {
    ifmap: inBits * rhoIn,
    filter: w.data * rhoW,
    metadata: w.metadata * rhoW,
    ofmap: wl.outputElems * ba,
    rhoIn,
    rhoW,
  };
}
