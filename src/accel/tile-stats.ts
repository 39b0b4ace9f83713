/**
 * Window histograms (SIMULATOR §4.3) built once per (mask hash, g, lane map) from group counts, or in
 * closed form for an all-ones mask. They are M-independent, so every hardware config that shares the
 * lane map reuses them; {@link ./windows.ts} evaluates cycles from them.
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
