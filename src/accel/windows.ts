/**
 * The lock-step window primitive (docs/simulator.md §4.3). Windows w are units of work all lanes (PEs) must
 * finish before the next starts; c[w][p] is the non-zero work of lane p in window w. Statistics are
 * kept as histograms over work values so that the cycle count for any multiplier count m is a short
 * sum: cycles = Σ_w max(steps, ⌈max_p c[w][p] / m⌉).
 */
import type { TileStats } from './tile-stats.js';

export type { TileStats } from './tile-stats.js';
export { computeTileStats, denseTileStats } from './tile-stats.js';

/**
 * How a window is charged (docs/simulator.md §4.3). `aligned`: a lane's kept weights of one window start a new
 * buffer row, so it costs ⌈c·d/m⌉ cycles; packed: c·d/m, rounded up once per tile pass. `minPerWindow`: the
 * activation fetch floor (steps per window / windows fetched per cycle).
 */
export interface WindowRule {
  aligned: boolean;
  minPerWindow: number;
}

/** The classic rule of METHODS §7.2: aligned rows, one window fetched per cycle. */
export const ALIGNED: (ts: TileStats) => WindowRule = (ts) => ({ aligned: true, minPerWindow: ts.stepsPerWindow });

/** Cycles a lane with work v needs in one window: ⌈v·d/m⌉ (aligned) or v·d/m (packed). */
function work(v: number, d: number, m: number, aligned: boolean): number {
  if (!aligned) return (v * d) / m;
  return d === 1 ? Math.ceil(v / m) : Math.ceil((v * d) / m - 1e-9);
}

/** ⌈x⌉ with a guard against float noise. */
const ceilSum = (x: number): number => Math.ceil(x - 1e-9);

/** Lock-step cycles of one pass (one output pixel): Σ_tiles ⌈Σ_w max(floor, cost(max_p c))⌉. */
export function lockstepCycles(ts: TileStats, m: number, d = 1, rule: WindowRule = ALIGNED(ts)): number {
  const { bins, binBase } = ts;
  let cyc = 0;
  for (let t = 0; t < ts.tiles; t++) {
    let c = 0;
    for (let i = 0; i < bins; i++) {
      const n = ts.maxHist[t * bins + i] as number;
      if (n !== 0) c += n * Math.max(rule.minPerWindow, work(binBase + i, d, m, rule.aligned));
    }
    cyc += ceilSum(c) * (ts.tileWeight[t] as number);
  }
  return cyc;
}

/** Per lane row Σ_w ⌈d·c/m⌉ (cycles each lane needs, or buffer rows it reads when groups start new rows). */
export function laneCycles(ts: TileStats, m: number, d = 1, aligned = true): Float64Array {
  const { bins, binBase } = ts;
  const out = new Float64Array(ts.tileOfLane.length);
  if (!aligned) {
    const lw = laneWork(ts);
    for (let k = 0; k < out.length; k++) out[k] = ceilSum(((lw[k] as number) * d) / m);
    return out;
  }
  if (d === 1 && m > 1 && bins > 4) {
    // Σ_v h[v]·⌈v/m⌉ = Σ_j j·#{v in ((j−1)m, jm]} over the cumulative histogram: O(range/m) per lane.
    const H = laneCumulative(ts);
    const vHi = binBase + bins - 1;
    const at = (base: number, v: number): number =>
      v < binBase ? 0 : (H[base + Math.min(v, vHi) - binBase] as number);
    const jLo = Math.max(1, Math.ceil(Math.max(1, binBase) / m));
    const jHi = Math.ceil(vHi / m);
    for (let k = 0; k < out.length; k++) {
      const base = k * bins;
      let s = 0;
      for (let j = jLo; j <= jHi; j++) s += j * (at(base, j * m) - at(base, (j - 1) * m));
      out[k] = s;
    }
    return out;
  }
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let i = 0; i < bins; i++) {
      const n = ts.laneHist[k * bins + i] as number;
      if (n !== 0) s += n * work(binBase + i, d, m, true);
    }
    out[k] = s;
  }
  return out;
}

const cumulative = new WeakMap<TileStats, Float64Array>();

/** Per-lane cumulative histogram H[i] = Σ_{u ≤ i} laneHist[u] (computed once per cached stats object). */
function laneCumulative(ts: TileStats): Float64Array {
  let H = cumulative.get(ts);
  if (H) return H;
  H = new Float64Array(ts.laneHist.length);
  const lanes = ts.laneHist.length / ts.bins;
  for (let k = 0; k < lanes; k++) {
    let acc = 0;
    const base = k * ts.bins;
    for (let i = 0; i < ts.bins; i++) {
      acc += ts.laneHist[base + i] as number;
      H[base + i] = acc;
    }
  }
  cumulative.set(ts, H);
  return H;
}

const laneSums = new WeakMap<TileStats, Float64Array>();

/** Σ_w c per lane row (cached). */
export function laneWork(ts: TileStats): Float64Array {
  let out = laneSums.get(ts);
  if (out) return out;
  out = new Float64Array(ts.laneHist.length / ts.bins);
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let i = 0; i < ts.bins; i++) s += (ts.binBase + i) * (ts.laneHist[k * ts.bins + i] as number);
    out[k] = s;
  }
  laneSums.set(ts, out);
  return out;
}

/** Non-lockstep (per-PE FIFOs, resync per pass): Σ_tile max(#fetches, max_p Σ_w cost(c)) (METHODS §7.2). */
export function nonLockstepCycles(ts: TileStats, m: number, d = 1, rule: WindowRule = ALIGNED(ts)): number {
  const lane = laneCycles(ts, m, d, rule.aligned);
  const worst = new Float64Array(ts.tiles);
  for (let k = 0; k < lane.length; k++) {
    const t = ts.tileOfLane[k] as number;
    if ((lane[k] as number) > (worst[t] as number)) worst[t] = lane[k] as number;
  }
  let cyc = 0;
  for (let t = 0; t < ts.tiles; t++)
    cyc += (ts.tileWeight[t] as number) * Math.max(ceilSum(ts.windowsPerTile * rule.minPerWindow), worst[t] as number);
  return cyc;
}

/** Σ_w max_p c and Σ_w mean_p c of one pass (mean over the lanes present in the tile). */
export function windowSums(ts: TileStats): { sumMax: number; sumMean: number } {
  let sumMax = 0;
  let sumMean = 0;
  for (let t = 0; t < ts.tiles; t++) {
    const w = ts.tileWeight[t] as number;
    for (let i = 0; i < ts.bins; i++) sumMax += w * (ts.binBase + i) * (ts.maxHist[t * ts.bins + i] as number);
    sumMean += (w * (ts.tileSum[t] as number)) / (ts.tileLanes[t] as number);
  }
  return { sumMax, sumMean };
}

/** Result of {@link lockstepWindows}: the §4.3 definitions applied to an explicit c[w][p] table. */
export interface WindowResult {
  cycles: number;
  multiplications: number;
  idleSlots: number;
  utilization: number | null;
  loadImbalance: number | null;
}

/**
 * Reference form of the primitive on an explicit table `c` `[windows, lanes]` with `m` multipliers
 * per lane and `overhead` cycles per window (used by the KRP engine and as a test oracle).
 */
export function lockstepWindows(c: ArrayLike<ArrayLike<number>>, m: number, overhead = 0, minCycles = 1): WindowResult {
  let cycles = 0;
  let mult = 0;
  let sumMax = 0;
  let sumMean = 0;
  let lanes = 0;
  for (let w = 0; w < c.length; w++) {
    const row = c[w] as ArrayLike<number>;
    lanes = Math.max(lanes, row.length);
    let mx = 0;
    let s = 0;
    for (let p = 0; p < row.length; p++) {
      const v = row[p] as number;
      s += v;
      if (v > mx) mx = v;
    }
    cycles += Math.max(minCycles, Math.ceil(mx / m)) + overhead;
    mult += s;
    sumMax += mx;
    sumMean += row.length > 0 ? s / row.length : 0;
  }
  const slots = lanes * m * cycles;
  return {
    cycles,
    multiplications: mult,
    idleSlots: slots - mult,
    utilization: slots > 0 ? mult / slots : null,
    loadImbalance: sumMean > 0 ? sumMax / sumMean : null,
  };
}
