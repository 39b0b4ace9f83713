/**
 * The lock-step window primitive (SIMULATOR §4.3). Windows w are units of work all lanes (PEs) must
 * finish before the next starts; c[w][p] is the non-zero work of lane p in window w. Statistics are
 * kept as histograms over work values so that the cycle count for any multiplier count m is a short
 * sum: cycles = Σ_w max(steps, ⌈max_p c[w][p] / m⌉).
 */
import type { GroupCounts } from './mask-stats.js';
import type { GroupShape } from './types.js';

/** Histogram form of the windows of one layer under one lane map (M-independent, cacheable). */
export interface TileStats {
  /** Number of tile rows stored (each stands for `tileWeight[t]` identical tiles). */
  tiles: number;
  /** Number of real tiles (Σ tileWeight). */
  tileCount: number;
  tileWeight: Float64Array;
  /** Multiplicity of each lane row (dense form stores one row for all lanes). */
  laneWeight: Float64Array;
  bins: number;
  /** Smallest / largest bin that is non-zero in any histogram (loops skip the empty ends). */
  binLo: number;
  binHi: number;
  /** `[tiles, bins]`: number of windows of the tile whose largest lane work equals the bin. */
  maxHist: Float64Array;
  /** `[outC, bins]`: number of windows in which the lane has the bin's work. */
  laneHist: Float64Array;
  /** Total work per tile row. */
  tileSum: Float64Array;
  /** Lanes per tile row (average lanes per tile in the dense form, may be fractional). */
  tileLanes: Float64Array;
  tileOfLane: Int32Array;
  windowsPerTile: number;
  /** Minimum cycles per window (activation fetches): 1 for vector groups, taps for block groups. */
  stepsPerWindow: number;
  nnz: number;
}

function laneMap(
  outC: number,
  L: number,
  lanesPerGroup: number,
): { tiles: number; tileOfLane: Int32Array; tileLanes: Float64Array } {
  const perGroup = Math.ceil(lanesPerGroup / L);
  const tiles = (outC / lanesPerGroup) * perGroup;
  const tileOfLane = new Int32Array(outC);
  const tileLanes = new Float64Array(tiles);
  for (let k = 0; k < outC; k++) {
    const t = Math.floor(k / lanesPerGroup) * perGroup + Math.floor((k % lanesPerGroup) / L);
    tileOfLane[k] = t;
    tileLanes[t] = (tileLanes[t] as number) + 1;
  }
  return { tiles, tileOfLane, tileLanes };
}

/**
 * Window histograms from group counts. Vector groups: window = (tile, tap, chunk), lane work = kept
 * weights of the lane's group. Block groups: window = (tile, chunk), lane work summed over the taps.
 * `L` = lanes per tile (PEs or array columns); tiles never straddle `lanesPerGroup`.
 */
export function computeTileStats(gc: GroupCounts, L: number, lanesPerGroup: number, shape: GroupShape): TileStats {
  const { taps, outC, Q, g, counts } = gc;
  const { tiles, tileOfLane, tileLanes } = laneMap(outC, L, lanesPerGroup);
  const bins = shape === 'vector' ? g + 1 : taps * g + 1;
  const maxHist = new Float64Array(tiles * bins);
  const laneHist = new Float64Array(outC * bins);
  const tileSum = new Float64Array(tiles);
  const winMax = new Uint32Array(tiles * Q);
  // value range of all lane works (window maxima lie inside it): bounds every later histogram loop
  let lo = Number.MAX_SAFE_INTEGER;
  let hi = -1;
  if (shape === 'vector') {
    const lh = new Uint32Array(outC * bins);
    const mh = new Uint32Array(tiles * bins);
    for (let t = 0; t < taps; t++) {
      winMax.fill(0);
      for (let k = 0; k < outC; k++) {
        const tile = tileOfLane[k] as number;
        let base = (t * outC + k) * Q;
        let wb = tile * Q;
        const lb = k * bins;
        let s = 0;
        for (let q = 0; q < Q; q++, base++, wb++) {
          const c = counts[base] as number;
          if (c < lo) lo = c;
          if (c > hi) hi = c;
          lh[lb + c] = (lh[lb + c] as number) + 1;
          s += c;
          if (c > (winMax[wb] as number)) winMax[wb] = c;
        }
        tileSum[tile] = (tileSum[tile] as number) + s;
      }
      for (let tile = 0, i = 0; tile < tiles; tile++)
        for (let q = 0; q < Q; q++, i++) {
          const j = tile * bins + (winMax[i] as number);
          mh[j] = (mh[j] as number) + 1;
        }
    }
    laneHist.set(lh);
    maxHist.set(mh);
    const ones = {
      tileCount: tiles,
      tileWeight: new Float64Array(tiles).fill(1),
      laneWeight: new Float64Array(outC).fill(1),
    };
    return {
      tiles,
      ...ones,
      bins,
      binLo: hi < 0 ? 0 : lo,
      binHi: hi < 0 ? 0 : hi,
      maxHist,
      laneHist,
      tileSum,
      tileLanes,
      tileOfLane,
      windowsPerTile: taps * Q,
      stepsPerWindow: 1,
      nnz: gc.nnz,
    };
  }
  const block = new Uint32Array(outC * Q);
  for (let t = 0; t < taps; t++)
    for (let k = 0; k < outC; k++) {
      const base = (t * outC + k) * Q;
      for (let q = 0; q < Q; q++) block[k * Q + q] = (block[k * Q + q] as number) + (counts[base + q] as number);
    }
  for (let k = 0; k < outC; k++) {
    const tile = tileOfLane[k] as number;
    for (let q = 0; q < Q; q++) {
      const v = block[k * Q + q] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      laneHist[k * bins + v] = (laneHist[k * bins + v] as number) + 1;
      tileSum[tile] = (tileSum[tile] as number) + v;
      if (v > (winMax[tile * Q + q] as number)) winMax[tile * Q + q] = v;
    }
  }
  for (let i = 0; i < winMax.length; i++) {
    const j = Math.floor(i / Q) * bins + (winMax[i] as number);
    maxHist[j] = (maxHist[j] as number) + 1;
  }
  const ones = {
    tileCount: tiles,
    tileWeight: new Float64Array(tiles).fill(1),
    laneWeight: new Float64Array(outC).fill(1),
  };
  return {
    tiles,
    ...ones,
    bins,
    binLo: hi < 0 ? 0 : lo,
    binHi: hi < 0 ? 0 : hi,
    maxHist,
    laneHist,
    tileSum,
    tileLanes,
    tileOfLane,
    windowsPerTile: Q,
    stepsPerWindow: taps,
    nnz: gc.nnz,
  };
}

/**
 * The same histograms for an all-ones mask in closed form: every tile is identical, so one tile row
 * (weight = number of tiles) and one lane row (weight = outC) describe the layer. O(g) work.
 */
export function denseTileStats(
  taps: number,
  laneLen: number,
  outC: number,
  g: number,
  L: number,
  lanesPerGroup: number,
  shape: GroupShape,
): TileStats {
  const Q = Math.ceil(laneLen / g);
  const lastLen = laneLen - (Q - 1) * g;
  const tileCount = (outC / lanesPerGroup) * Math.ceil(lanesPerGroup / L);
  const bins = shape === 'vector' ? g + 1 : taps * g + 1;
  const [vFull, vLast, nFull, nLast] =
    shape === 'vector' ? [g, lastLen, taps * (Q - 1), taps] : [taps * g, taps * lastLen, Q - 1, 1];
  const maxHist = new Float64Array(bins);
  const laneHist = new Float64Array(bins);
  maxHist[vFull] = (maxHist[vFull] as number) + nFull;
  maxHist[vLast] = (maxHist[vLast] as number) + nLast;
  laneHist[vFull] = (laneHist[vFull] as number) + nFull;
  laneHist[vLast] = (laneHist[vLast] as number) + nLast;
  const lanes = outC / tileCount;
  return {
    tiles: 1,
    tileCount,
    tileWeight: new Float64Array([tileCount]),
    laneWeight: new Float64Array([outC]),
    bins,
    ...binRange(bins, maxHist),
    maxHist,
    laneHist,
    tileSum: new Float64Array([lanes * taps * laneLen]),
    tileLanes: new Float64Array([lanes]),
    tileOfLane: new Int32Array([0]),
    windowsPerTile: shape === 'vector' ? taps * Q : Q,
    stepsPerWindow: shape === 'vector' ? 1 : taps,
    nnz: taps * laneLen * outC,
  };
}

function binRange(bins: number, ...hs: Float64Array[]): { binLo: number; binHi: number } {
  let binLo = bins;
  let binHi = -1;
  for (const h of hs)
    for (let i = 0; i < h.length; i++)
      if ((h[i] as number) !== 0) {
        const v = i % bins;
        if (v < binLo) binLo = v;
        if (v > binHi) binHi = v;
      }
  return binHi < 0 ? { binLo: 0, binHi: 0 } : { binLo, binHi };
}

/** ⌈v·d/m⌉ with a guard against float noise when d = 1. */
function work(v: number, d: number, m: number): number {
  return d === 1 ? Math.ceil(v / m) : Math.ceil((v * d) / m - 1e-9);
}

/** Lock-step cycles of one pass (one output pixel): Σ_w max(steps, ⌈d·max_p c / m⌉). */
export function lockstepCycles(ts: TileStats, m: number, d = 1): number {
  let cyc = 0;
  for (let t = 0; t < ts.tiles; t++) {
    let c = 0;
    for (let v = ts.binLo; v <= ts.binHi; v++) {
      const n = ts.maxHist[t * ts.bins + v] as number;
      if (n !== 0) c += n * Math.max(ts.stepsPerWindow, work(v, d, m));
    }
    cyc += c * (ts.tileWeight[t] as number);
  }
  return cyc;
}

/** Per lane row Σ_w ⌈d·c/m⌉ (cycles each lane needs, or buffer rows it reads when groups start new rows). */
export function laneCycles(ts: TileStats, m: number, d = 1): Float64Array {
  const out = new Float64Array(ts.tileOfLane.length);
  if (d === 1 && m > 1) {
    // Σ_v h[v]·⌈v/m⌉ = Σ_j j·(H[jm] − H[(j−1)m]) over the cumulative histogram H: O(range/m) per lane.
    const H = laneCumulative(ts);
    const { bins, binHi } = ts;
    const jLo = Math.max(1, Math.ceil(Math.max(1, ts.binLo) / m));
    const jHi = Math.ceil(binHi / m);
    for (let k = 0; k < out.length; k++) {
      const base = k * bins;
      let s = 0;
      for (let j = jLo; j <= jHi; j++)
        s += j * ((H[base + Math.min(j * m, binHi)] as number) - (H[base + (j - 1) * m] as number));
      out[k] = s;
    }
    return out;
  }
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let v = Math.max(1, ts.binLo); v <= ts.binHi; v++) {
      const n = ts.laneHist[k * ts.bins + v] as number;
      if (n !== 0) s += n * work(v, d, m);
    }
    out[k] = s;
  }
  return out;
}

const cumulative = new WeakMap<TileStats, Float64Array>();

/** Per-lane cumulative histogram H[v] = Σ_{u ≤ v} laneHist[u] (computed once per cached stats object). */
function laneCumulative(ts: TileStats): Float64Array {
  let H = cumulative.get(ts);
  if (H) return H;
  H = new Float64Array(ts.laneHist.length);
  const lanes = ts.laneHist.length / ts.bins;
  for (let k = 0; k < lanes; k++) {
    let acc = 0;
    const base = k * ts.bins;
    for (let v = 0; v < ts.bins; v++) {
      acc += ts.laneHist[base + v] as number;
      H[base + v] = acc;
    }
  }
  cumulative.set(ts, H);
  return H;
}

/** Σ_w c per lane row (cached). */
const laneSums = new WeakMap<TileStats, Float64Array>();
export function laneWork(ts: TileStats): Float64Array {
  let out = laneSums.get(ts);
  if (out) return out;
  out = new Float64Array(ts.laneHist.length / ts.bins);
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let v = Math.max(1, ts.binLo); v <= ts.binHi; v++) s += v * (ts.laneHist[k * ts.bins + v] as number);
    out[k] = s;
  }
  laneSums.set(ts, out);
  return out;
}

/** Non-lockstep (per-PE FIFOs, resync per pass): Σ_tile max(#fetches, max_p Σ_w ⌈c/m⌉) (METHODS §7.2). */
export function nonLockstepCycles(ts: TileStats, m: number, d = 1): number {
  const lane = laneCycles(ts, m, d);
  const worst = new Float64Array(ts.tiles);
  for (let k = 0; k < lane.length; k++) {
    const t = ts.tileOfLane[k] as number;
    if ((lane[k] as number) > (worst[t] as number)) worst[t] = lane[k] as number;
  }
  let cyc = 0;
  for (let t = 0; t < ts.tiles; t++)
    cyc += (ts.tileWeight[t] as number) * Math.max(ts.windowsPerTile * ts.stepsPerWindow, worst[t] as number);
  return cyc;
}

/** Σ_w max_p c and Σ_w mean_p c of one pass (mean over the lanes present in the tile). */
export function windowSums(ts: TileStats): { sumMax: number; sumMean: number } {
  let sumMax = 0;
  let sumMean = 0;
  for (let t = 0; t < ts.tiles; t++) {
    const w = ts.tileWeight[t] as number;
    for (let v = Math.max(1, ts.binLo); v <= ts.binHi; v++) sumMax += w * v * (ts.maxHist[t * ts.bins + v] as number);
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
