/**
 * Weight storage formats (METHODS §1.6) and the tiled off-chip traffic model of METHODS §7.4, shared
 * by the non-systolic engines. Bits, not bytes, until the very end (formats are not byte-aligned).
 */
import type { HardwareConfig } from './types.js';
import type { Workload } from './workload.js';

export type WeightFormat = 'dense' | 'balanced' | 'irregular' | 'krp' | 'clustered';

export interface WeightBits {
  format: WeightFormat;
  /** Weight values (or codes). */
  data: number;
  /** Indices, per-group counts, row ids, codebooks. */
  metadata: number;
}

export const log2ceil = (x: number): number => (x <= 1 ? 0 : Math.ceil(Math.log2(x)));

/**
 * Storage bits of one layer's weights.
 * - dense: `bw·N`; balanced: `nnz·bw + nnz·⌈log2 g⌉`;
 * - irregular: balanced + `groups·⌈log2(g+1)⌉` (per-group count);
 * - krp: per kernel `S·bw + ⌈log2 R⌉`; clustered: `N·⌈log2(k+1)⌉ + k·16` (16-bit codebook).
 */
export function weightStorage(
  format: WeightFormat,
  x: {
    weights: number;
    nnz: number;
    groups: number;
    g: number;
    bw: number;
    kernels?: number;
    R?: number;
    S?: number;
    clusters?: number;
  },
): WeightBits {
  switch (format) {
    case 'dense':
      return { format, data: x.weights * x.bw, metadata: 0 };
    case 'balanced':
      return { format, data: x.nnz * x.bw, metadata: x.nnz * log2ceil(x.g) };
    case 'irregular':
      return { format, data: x.nnz * x.bw, metadata: x.nnz * log2ceil(x.g) + x.groups * log2ceil(x.g + 1) };
    case 'krp':
      return { format, data: (x.kernels ?? 0) * (x.S ?? 0) * x.bw, metadata: (x.kernels ?? 0) * log2ceil(x.R ?? 1) };
    case 'clustered': {
      const k = x.clusters ?? 0;
      return { format, data: x.weights * log2ceil(k + 1), metadata: k * 16 };
    }
  }
}

/** Off-chip bits per METHODS §7.4 for an engine with `tk` output channels in flight. */
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
