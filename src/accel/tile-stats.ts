/**
 * Window histograms (docs/simulator.md §4.3) built once per (mask hash, g, lane map) from group counts, or in
 * closed form for an all-ones mask. They are M-independent, so every hardware config that shares the
 * lane map reuses them; {@link ./windows.ts} evaluates cycles from them.
 */
import type { GroupCounts } from './mask-stats.js';
import type { GroupShape } from './types.js';

/**
 * Histogram form of the windows of one layer under one lane map (M-independent, cacheable).
 * Bin i stands for the work value `binBase + i`; only the observed value range is stored, so a
 * balanced mask needs one bin whatever g is.
 */
export interface TileStats {
  /** Number of tile rows stored (each stands for `tileWeight[t]` identical tiles). */
  tiles: number;
  /** Number of real tiles (Σ tileWeight). */
  tileCount: number;
  tileWeight: Float64Array;
  /** Multiplicity of each lane row (dense form stores one row for all lanes). */
  laneWeight: Float64Array;
  /** Work value of bin 0. */
  binBase: number;
  bins: number;
  /** `[tiles, bins]`: number of windows of the tile whose largest lane work is `binBase + bin`. */
  maxHist: Float64Array;
  /** `[lane rows, bins]`: number of windows in which the lane's work is `binBase + bin`. */
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

function valueRange(a: Uint16Array | Uint32Array): { lo: number; hi: number } {
  let lo = Number.MAX_SAFE_INTEGER;
  let hi = -1;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi < 0 ? { lo: 0, hi: 0 } : { lo, hi };
}

/**
 * Window histograms from group counts. Vector groups: window = (tile, tap, chunk), lane work = kept
 * weights of the lane's group. Block groups: window = (tile, chunk), lane work summed over the taps.
 * `L` = lanes per tile (PEs or array columns); tiles never straddle `lanesPerGroup`.
 */
export function computeTileStats(gc: GroupCounts, L: number, lanesPerGroup: number, shape: GroupShape): TileStats {
  const { taps, outC, Q } = gc;
  const { tiles, tileOfLane, tileLanes } = laneMap(outC, L, lanesPerGroup);
  // Lane work per window, laid out [rows = taps*outC (vector) or outC (block), Q].
  let work: Uint16Array | Uint32Array = gc.counts;
  let rows = taps * outC;
  if (shape === 'block') {
    const block = new Uint32Array(outC * Q);
    for (let t = 0; t < taps; t++)
      for (let k = 0; k < outC; k++) {
        const base = (t * outC + k) * Q;
        for (let q = 0; q < Q; q++) block[k * Q + q] = (block[k * Q + q] as number) + (gc.counts[base + q] as number);
      }
    work = block;
    rows = outC;
  }
  const { lo, hi } = valueRange(work);
  const bins = hi - lo + 1;
  const lh = new Uint32Array(outC * bins);
  const mh = new Uint32Array(tiles * bins);
  const tileSum = new Float64Array(tiles);
  const winMax = new Int32Array(tiles * Q);
  const passes = rows / outC; // taps for vector groups, 1 for block groups
  for (let t = 0; t < passes; t++) {
    winMax.fill(-1);
    for (let k = 0; k < outC; k++) {
      const tile = tileOfLane[k] as number;
      let base = (t * outC + k) * Q;
      let wb = tile * Q;
      const lb = k * bins - lo;
      let s = 0;
      for (let q = 0; q < Q; q++, base++, wb++) {
        const c = work[base] as number;
        lh[lb + c] = (lh[lb + c] as number) + 1;
        s += c;
        if (c > (winMax[wb] as number)) winMax[wb] = c;
      }
      tileSum[tile] = (tileSum[tile] as number) + s;
    }
    for (let tile = 0, i = 0; tile < tiles; tile++)
      for (let q = 0; q < Q; q++, i++) {
        const j = tile * bins + (winMax[i] as number) - lo;
        mh[j] = (mh[j] as number) + 1;
      }
  }
  return {
    tiles,
    tileCount: tiles,
    tileWeight: new Float64Array(tiles).fill(1),
    laneWeight: new Float64Array(outC).fill(1),
    binBase: lo,
    bins,
    maxHist: Float64Array.from(mh),
    laneHist: Float64Array.from(lh),
    tileSum,
    tileLanes,
    tileOfLane,
    windowsPerTile: shape === 'vector' ? taps * Q : Q,
    stepsPerWindow: shape === 'vector' ? 1 : taps,
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
  const [vFull, vLast, nFull, nLast] =
    shape === 'vector' ? [g, lastLen, taps * (Q - 1), taps] : [taps * g, taps * lastLen, Q - 1, 1];
  const binBase = Math.min(vFull, vLast);
  const bins = Math.max(vFull, vLast) - binBase + 1;
  const maxHist = new Float64Array(bins);
  maxHist[vFull - binBase] = (maxHist[vFull - binBase] as number) + nFull;
  maxHist[vLast - binBase] = (maxHist[vLast - binBase] as number) + nLast;
  const lanes = outC / tileCount;
  return {
    tiles: 1,
    tileCount,
    tileWeight: new Float64Array([tileCount]),
    laneWeight: new Float64Array([outC]),
    binBase,
    bins,
    maxHist,
    laneHist: maxHist.slice(),
    tileSum: new Float64Array([lanes * taps * laneLen]),
    tileLanes: new Float64Array([lanes]),
    tileOfLane: new Int32Array([0]),
    windowsPerTile: shape === 'vector' ? taps * Q : Q,
    stepsPerWindow: shape === 'vector' ? 1 : taps,
    nnz: taps * laneLen * outC,
  };
}
