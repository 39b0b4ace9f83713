/**
 * Mask statistics for the lock-step window model (docs/simulator.md §4.3): one pass packs an HWIO byte mask
 * into bit rows (one row of `laneLen` bits per (tap, output channel)), hashes the packed words, then
 * group counts come from popcounts (O(weights/32)). Results are cached by (mask hash, g) and
 * (mask hash, g, lane map) so a sweep over array sizes / bit widths reuses them.
 */

import type { PackedMask } from './mask-pack.js';
import { packMask, popcount32, popcountRange } from './mask-pack.js';

export type { PackedMask } from './mask-pack.js';
export { packMask, popcount32, popcountRange } from './mask-pack.js';

/** Kept weights per group: `counts[(t·outC + k)·Q + q]`, groups of `g` consecutive bits of a row. */
export interface GroupCounts {
  hash: string;
  g: number;
  Q: number;
  /** Size of the last (possibly short) group of a row. */
  lastLen: number;
  taps: number;
  outC: number;
  laneLen: number;
  counts: Uint16Array;
  nnz: number;
  /** Keep count shared by every full group, or null when full groups differ (irregular). */
  balancedN: number | null;
  /** Largest count over full groups. */
  maxFull: number;
}

export interface MaskStatsCache {
  packed: WeakMap<Uint8Array, Map<string, PackedMask>>;
  counts: Map<string, GroupCounts>;
  derived: Map<string, unknown>;
  hits: number;
  misses: number;
}

/** A cache to reuse across the hardware configs of one trial (masks are never copied into it). */
export function createMaskStatsCache(): MaskStatsCache {
  return { packed: new WeakMap(), counts: new Map(), derived: new Map(), hits: 0, misses: 0 };
}

/** Packs (or fetches from the cache) the mask for a given view. */
export function getPacked(
  cache: MaskStatsCache,
  mask: Uint8Array,
  taps: number,
  laneLen: number,
  outC: number,
): PackedMask {
  const view = `${taps}x${laneLen}x${outC}`;
  let m = cache.packed.get(mask);
  const hit = m?.get(view);
  if (hit) {
    cache.hits++;
    return hit;
  }
  cache.misses++;
  const p = packMask(mask, taps, laneLen, outC);
  if (!m) {
    m = new Map();
    cache.packed.set(mask, m);
  }
  m.set(view, p);
  return p;
}

/**
 * A statistic derived from cached ones (window histograms, relative-index entries), computed once per `key`
 * (which must name everything it depends on, e.g. the mask hash) and counted as a hit or miss like the others.
 */
export function derived<T>(cache: MaskStatsCache, key: string, compute: () => T): T {
  if (cache.derived.has(key)) {
    cache.hits++;
    return cache.derived.get(key) as T;
  }
  cache.misses++;
  const v = compute();
  cache.derived.set(key, v);
  return v;
}

/** Kept count of every group of `g` consecutive lane bits (cached by (hash, g)). */
export function getGroupCounts(cache: MaskStatsCache, p: PackedMask, g: number): GroupCounts {
  const key = `${p.hash}|g${g}`;
  const hit = cache.counts.get(key);
  if (hit) {
    cache.hits++;
    return hit;
  }
  cache.misses++;
  const res = computeGroupCounts(p, g);
  cache.counts.set(key, res);
  return res;
}

/** Popcount pass producing {@link GroupCounts}; fast path when `g` divides 32. */
export function computeGroupCounts(p: PackedMask, g: number): GroupCounts {
  const { rows, taps, laneLen, outC, wpr } = p;
  const Q = Math.ceil(laneLen / g);
  const lastLen = laneLen - (Q - 1) * g;
  const nRows = taps * outC;
  const counts = new Uint16Array(nRows * Q);
  if (g === 8 || g === 16 || g === 32) {
    // SWAR: per-byte popcounts of each word, then pairwise sums for 16/32-bit groups.
    const per = 32 / g;
    for (let r = 0; r < nRows; r++) {
      const base = r * wpr;
      const out = r * Q;
      for (let w = 0; w < wpr; w++) {
        let x = rows[base + w] as number;
        x = x - ((x >>> 1) & 0x55555555);
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        x = (x + (x >>> 4)) & 0x0f0f0f0f;
        const q0 = out + w * per;
        const qEnd = out + Q;
        if (g === 16) {
          x = x + (x >>> 8);
          counts[q0] = x & 0xff;
          if (q0 + 1 < qEnd) counts[q0 + 1] = (x >>> 16) & 0xff;
        } else if (g === 32) counts[q0] = Math.imul(x, 0x01010101) >>> 24;
        else for (let j = 0; j < 4 && q0 + j < qEnd; j++) counts[q0 + j] = (x >>> (8 * j)) & 0xff;
      }
    }
  } else if (g % 32 === 0) {
    const wpg = g / 32;
    for (let r = 0; r < nRows; r++) {
      const base = r * wpr;
      const out = r * Q;
      for (let q = 0; q < Q; q++) {
        let c = 0;
        const w1 = Math.min(wpr, (q + 1) * wpg);
        for (let w = q * wpg; w < w1; w++) c += popcount32(rows[base + w] as number);
        counts[out + q] = c;
      }
    }
  } else if (g <= 32 && 32 % g === 0) {
    const per = 32 / g;
    const gm = (1 << g) - 1;
    for (let r = 0; r < nRows; r++) {
      const base = r * wpr;
      const out = r * Q;
      for (let w = 0; w < wpr; w++) {
        let word = rows[base + w] as number;
        const q0 = w * per;
        for (let j = 0; j < per && q0 + j < Q; j++) {
          counts[out + q0 + j] = popcount32(word & gm);
          word = word >>> g;
        }
      }
    }
  } else {
    for (let r = 0; r < nRows; r++) {
      const base = r * wpr;
      const out = r * Q;
      for (let q = 0; q < Q; q++) counts[out + q] = popcountRange(rows, base, q * g, q === Q - 1 ? lastLen : g);
    }
  }
  // Balance check over full groups: histogram of counts (cheaper than per-element branches).
  const hist = new Float64Array(g + 1);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    hist[c] = (hist[c] as number) + 1;
  }
  if (lastLen !== g) {
    // remove the short last groups from the full-group statistics
    for (let r = 0; r < nRows; r++) {
      const c = counts[r * Q + Q - 1] as number;
      hist[c] = (hist[c] as number) - 1;
    }
  }
  let minFull = -1;
  let maxFull = 0;
  for (let v = 0; v <= g; v++)
    if ((hist[v] as number) > 0) {
      if (minFull < 0) minFull = v;
      maxFull = v;
    }
  const balancedN = minFull < 0 ? null : minFull === maxFull ? minFull : null;
  return { hash: p.hash, g, Q, lastLen, taps, outC, laneLen, counts, nnz: p.nnz, balancedN, maxFull };
}
