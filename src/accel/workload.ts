/**
 * Layer model: lowers a conv / depthwise / grouped conv / fc layer to `groups` independent GEMMs
 * (docs/simulator.md §4.1) under one of two shape conventions.
 * - `native`: output size by the framework's floor rule on the padded input, word width = layer bits.
 * - `scalesim`: SCALE-Sim v2's ceil rule `E = ⌈(H − Fh + Sh)/Sh⌉` on the padded size, 1-byte words.
 */
import type { LayerDescriptor } from '../shared/layer.js';
import type { WeightDims } from '../shared/storage-bits.js';
import { HwsweepError } from '../errors.js';
import type { Compat } from './types.js';

export type { Compat } from './types.js';

/** One layer as the engines see it. GEMM per group: `[M, K] × [K, N]`. */
export interface Workload {
  name: string;
  kind: LayerDescriptor['kind'];
  /** Number of independent GEMMs (1 for conv/fc, inC for depthwise). */
  groups: number;
  /** Padded input height/width (what the windows slide over). */
  H: number;
  W: number;
  /** Unpadded input elements `inH·inW·inC`. */
  inputElems: number;
  inH: number;
  inW: number;
  inC: number;
  outC: number;
  Fh: number;
  Fw: number;
  Sh: number;
  Sw: number;
  padTop: number;
  padLeft: number;
  /** Output height/width under the chosen convention. */
  E: number;
  F: number;
  /** GEMM sizes per group: M = E·F output pixels, K = Fh·Fw·Cg window, N filters per group. */
  M: number;
  K: number;
  N: number;
  /** Input channels per group. */
  Cg: number;
  denseMacs: number;
  weightElems: number;
  /** Kernel dimensions of the weight tensor for storage accounting (depthwise: C = inC, K = multiplier). */
  dims: WeightDims;
  outputElems: number;
  /**
   * Mask view used by the sparse engines: `taps × laneLen` bit rows per output channel, element
   * (t, c, k) at flat index `(t·laneLen + c)·outC + k` of the HWIO mask. Conv: taps = Fh·Fw,
   * laneLen = Cg. Depthwise: taps = 1, laneLen = Fh·Fw (groups run along the taps, METHODS §7.2).
   */
  maskTaps: number;
  maskLaneLen: number;
  /** Output channels that share activations (tile lanes never cross this boundary). */
  lanesPerGroup: number;
}

/**
 * Lowers a layer descriptor (batch 1, NHWC) to a {@link Workload}.
 * Throws SHAPE_MISMATCH naming the layer and field when the geometry is impossible.
 */
export function lowerLayer(l: LayerDescriptor, compat: Compat): Workload {
  const where = `layer ${l.name}`;
  const pos = (v: number, f: string): void => {
    if (!Number.isInteger(v) || v < 1)
      throw new HwsweepError('SHAPE_MISMATCH', `${where}: ${f} = ${v} is not an integer >= 1`, {
        context: { layer: l.name, field: f, value: v },
      });
  };
  for (const f of ['inH', 'inW', 'inC', 'outC', 'kernelH', 'kernelW', 'strideH', 'strideW', 'groups'] as const)
    pos(l[f], f);
  if (l.inC % l.groups !== 0 || l.outC % l.groups !== 0)
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `${where}: groups = ${l.groups} must divide inC = ${l.inC} and outC = ${l.outC}`,
      { context: { layer: l.name, field: 'groups', value: l.groups } },
    );
  const H = l.inH + l.padTop + l.padBottom;
  const W = l.inW + l.padLeft + l.padRight;
  if (l.kernelH > H || l.kernelW > W)
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `${where}: kernel ${l.kernelH}x${l.kernelW} is larger than the padded input ${H}x${W}`,
      { context: { layer: l.name, field: 'kernelH', value: l.kernelH } },
    );
  const E =
    compat === 'scalesim'
      ? Math.ceil((H - l.kernelH + l.strideH) / l.strideH)
      : Math.floor((H - l.kernelH) / l.strideH) + 1;
  const F =
    compat === 'scalesim'
      ? Math.ceil((W - l.kernelW + l.strideW) / l.strideW)
      : Math.floor((W - l.kernelW) / l.strideW) + 1;
  const G = l.groups;
  const Cg = l.inC / G;
  const N = l.outC / G;
  const M = E * F;
  const K = l.kernelH * l.kernelW * Cg;
  const depthwise = l.kind === 'depthwise';
  return {
    name: l.name,
    kind: l.kind,
    groups: G,
    H,
    W,
    inputElems: l.inH * l.inW * l.inC,
    inH: l.inH,
    inW: l.inW,
    inC: l.inC,
    outC: l.outC,
    Fh: l.kernelH,
    Fw: l.kernelW,
    Sh: l.strideH,
    Sw: l.strideW,
    padTop: l.padTop,
    padLeft: l.padLeft,
    E,
    F,
    M,
    K,
    N,
    Cg,
    denseMacs: G * M * K * N,
    weightElems: l.kernelH * l.kernelW * Cg * l.outC,
    dims: depthwise
      ? { R: l.kernelH, S: l.kernelW, C: l.inC, K: l.outC / l.inC }
      : { R: l.kernelH, S: l.kernelW, C: Cg, K: l.outC },
    outputElems: M * l.outC,
    maskTaps: depthwise ? 1 : l.kernelH * l.kernelW,
    maskLaneLen: depthwise ? l.kernelH * l.kernelW : Cg,
    lanesPerGroup: depthwise ? l.outC : N,
  };
}

/** Distinct padded-input rows (or columns) touched by `E` windows of size `f` at stride `s` in `[0, H)`. */
export function touchedExtent(H: number, f: number, s: number, E: number): number {
  if (f >= s) return Math.min(H, (E - 1) * s + f);
  let n = 0;
  for (let e = 0; e < E; e++) n += Math.max(0, Math.min(f, H - e * s));
  return n;
}
