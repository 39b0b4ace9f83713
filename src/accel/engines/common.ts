/** Shared context and partial result of the engines; simulate.ts adds memory time and energy. */
import type { MaskStatsCache, GroupCounts, PackedMask } from '../mask-stats.js';
import { derived, getGroupCounts, getPacked } from '../mask-stats.js';
import type { TileStats } from '../windows.js';
import { computeTileStats } from '../windows.js';
import type { GroupShape, HardwareConfig, LayerCompression, LayerStats } from '../types.js';
import type { Compat, Workload } from '../workload.js';

export interface EngineContext {
  wl: Workload;
  comp: LayerCompression;
  hw: HardwareConfig;
  compat: Compat;
  cache: MaskStatsCache;
  /** Operand widths in effect (1-byte words in scalesim mode). */
  bw: number;
  ba: number;
}

/** Everything an engine decides; simulate.ts completes it into a {@link LayerStats}. */
export interface EngineResult {
  computeCycles: number;
  /** Memory cycles when the engine has its own memory-time model (else bytes / bandwidth). */
  memoryCycles?: number;
  usefulMacs: number;
  multiplications: number;
  additions: number;
  /** Multiplier slot-cycles (utilization denominator); 0 when not defined. */
  slots: number;
  loadImbalance: number | null;
  imbalance: number | null;
  packingFactor: number;
  accesses: LayerStats['accesses'];
  /** On-chip traffic in bits. */
  sramReadBits: { ifmap: number; filter: number; metadata: number };
  sramWriteBits: number;
  /** Off-chip traffic in bits. */
  dramBits: { ifmap: number; filter: number; ofmap: number; metadata: number };
  storageBits: number;
  scalesim?: LayerStats['scalesim'];
  extra: Record<string, number | string | null>;
  notes: string[];
}

/** Where windows run: `channel` = chunks of C at each tap (METHODS §7.2), `flat` = the flattened R·S·C axis. */
export type WindowAxis = 'channel' | 'flat';

/** Mask view (taps × lane bits per output channel) for a window axis; depthwise is always taps-as-lanes. */
export function maskView(wl: Workload, axis: WindowAxis): { taps: number; laneLen: number } {
  if (axis === 'flat' && wl.kind !== 'depthwise') return { taps: 1, laneLen: wl.maskTaps * wl.maskLaneLen };
  return { taps: wl.maskTaps, laneLen: wl.maskLaneLen };
}

/** Packed mask in the given view, or null for a dense layer. */
export function packedOf(ctx: EngineContext, axis: WindowAxis = 'channel'): PackedMask | null {
  const m = ctx.comp.mask;
  if (!m) return null;
  const v = maskView(ctx.wl, axis);
  return getPacked(ctx.cache, m, v.taps, v.laneLen, ctx.wl.outC);
}

export function countsOf(ctx: EngineContext, g: number, axis: WindowAxis = 'channel'): GroupCounts | null {
  const p = packedOf(ctx, axis);
  return p ? getGroupCounts(ctx.cache, p, g) : null;
}

/** Window histograms cached by (mask hash, g, lanes per tile, lanes per group, shape). */
export function tileStatsOf(
  ctx: EngineContext,
  gc: GroupCounts,
  L: number,
  lanesPerGroup: number,
  shape: GroupShape,
): TileStats {
  const key = `${gc.hash}|g${gc.g}|L${L}|N${lanesPerGroup}|${shape}`;
  return derived(ctx.cache, key, () => computeTileStats(gc, L, lanesPerGroup, shape));
}

/** Ratio or null (JSON-safe: never NaN/Infinity). */
export const ratio = (a: number, b: number): number | null => (b > 0 && Number.isFinite(a / b) ? a / b : null);

/** Activation density in effect: the layer's, on hardware that skips zero activations; 1 otherwise. */
export function activationDensity(ctx: EngineContext): number {
  return ctx.hw.skipZeroActivations ? (ctx.comp.activationDensity ?? 1) : 1;
}

/** Input activation mask in effect (only on hardware that skips zero activations). */
export function activationMask(ctx: EngineContext): Uint8Array | undefined {
  return ctx.hw.skipZeroActivations ? ctx.comp.activationMask : undefined;
}
