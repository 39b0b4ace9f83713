/**
 * Mask statistics for the lock-step window model (SIMULATOR §4.3): one pass packs an HWIO byte mask
 * into bit rows (one row of `laneLen` bits per (tap, output channel)), hashes the packed words, then
 * group counts come from popcounts (O(weights/32)). Results are cached by (mask hash, g) and
 * (mask hash, g, lane map) so a sweep over array sizes / bit widths reuses them.
 */

/** Bit-packed mask: row `(t·outC + k)` holds bits c = 0..laneLen−1 in `wpr` Uint32 words. */
export interface PackedMask {
  rows: Uint32Array;
  taps: number;
  laneLen: number;
  outC: number;
  wpr: number;
  nnz: number;
  hash: string;
}

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

/** Population count of a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Popcount of bits [start, start+len) of the row starting at word `base`. */
export function popcountRange(rows: Uint32Array, base: number, start: number, len: number): number {
  let n = 0;
  let s = start;
  const end = start + len;
  while (s < end) {
    const w = s >>> 5;
    const off = s & 31;
    const take = Math.min(32 - off, end - s);
    const word = (rows[base + w] ?? 0) >>> off;
    n += popcount32(take === 32 ? word : word & ((1 << take) - 1));
    s += take;
  }
  return n;
}

/**
 * Packs a byte mask (non-zero = kept) whose element (t, c, k) sits at `(t·laneLen + c)·outC + k`
 * (HWIO `[kh, kw, inC/groups, outC]` with t = kh·kw index) into bit rows, and hashes it.
 */
export function packMask(mask: Uint8Array, taps: number, laneLen: number, outC: number): PackedMask {
  const wpr = (laneLen + 31) >>> 5;
  const rows = new Uint32Array(taps * outC * wpr);
  const K = outC;
  // Block of 32 lanes (c) at a time: for each k, gather 32 strided bytes into one word. The 32 source
  // cache lines stay hot while k sweeps, and every output word is written once.
  if (K % 4 === 0 && mask.byteOffset % 4 === 0) {
    packMask4(mask, rows, taps, laneLen, K, wpr);
  } else
    for (let t = 0; t < taps; t++) {
      const rowT = t * outC * wpr;
      for (let w = 0; w < wpr; w++) {
        const c0 = w * 32;
        const n = Math.min(32, laneLen - c0);
        const src0 = (t * laneLen + c0) * K;
        let o = rowT + w;
        if (n === 32) {
          for (let k = 0; k < K; k++, o += wpr) {
            let word = 0;
            let idx = src0 + k;
            for (let b = 0; b < 32; b++, idx += K) word |= (((mask[idx] as number) + 255) >>> 8) << b;
            rows[o] = word;
          }
        } else {
          for (let k = 0; k < K; k++, o += wpr) {
            let word = 0;
            let idx = src0 + k;
            for (let b = 0; b < n; b++, idx += K) word |= (((mask[idx] as number) + 255) >>> 8) << b;
            rows[o] = word;
          }
        }
      }
    }
  // nnz by popcount; two 32-bit hash streams over dims + packed words -> 64-bit hex key.
  let nnz = 0;
  let h1 = 0x811c9dc5 ^ taps;
  let h2 = 0x01000193 ^ Math.imul(laneLen, 0x9e3779b1) ^ outC;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i] as number;
    nnz += popcount32(v);
    h1 = Math.imul(h1 ^ v, 0x01000193);
    h2 = Math.imul(h2 ^ (v + i), 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  const hash = `${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}-${taps}x${laneLen}x${outC}-${nnz}`;
  return { rows, taps, laneLen, outC, wpr, nnz, hash };
}

/** Fast path: 4 output channels per 32-bit load (K % 4 = 0, aligned mask). */
function packMask4(mask: Uint8Array, rows: Uint32Array, taps: number, laneLen: number, K: number, wpr: number): void {
  const m32 = new Uint32Array(mask.buffer, mask.byteOffset, mask.length >>> 2);
  const K4 = K >>> 2;
  for (let t = 0; t < taps; t++) {
    const rowT = t * K * wpr;
    for (let w = 0; w < wpr; w++) {
      const c0 = w * 32;
      const n = Math.min(32, laneLen - c0);
      const src0 = ((t * laneLen + c0) * K) >>> 2;
      let o = rowT + w;
      for (let k4 = 0; k4 < K4; k4++) {
        let w0 = 0;
        let w1 = 0;
        let w2 = 0;
        let w3 = 0;
        let idx = src0 + k4;
        // 8 channel rows at a time: byte j of `acc` collects lane j's 8 bits (shifts stay inside the byte).
        for (let b0 = 0; b0 < n; b0 += 8) {
          let acc = 0;
          const bn = Math.min(8, n - b0);
          for (let b = 0; b < bn; b++, idx += K4) {
            const x = m32[idx] as number;
            // per byte: 1 if non-zero (classic zero-byte test; no carries cross bytes)
            acc |= (((((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) >>> 7) & 0x01010101) << b;
          }
          w0 |= (acc & 0xff) << b0;
          w1 |= ((acc >>> 8) & 0xff) << b0;
          w2 |= ((acc >>> 16) & 0xff) << b0;
          w3 |= (acc >>> 24) << b0;
        }
        rows[o] = w0;
        rows[o + wpr] = w1;
        rows[o + 2 * wpr] = w2;
        rows[o + 3 * wpr] = w3;
        o += 4 * wpr;
      }
    }
  }
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

/** Dense counts (every slot kept) with the same layout, for the dense-equivalent baseline. */
export function denseGroupCounts(taps: number, laneLen: number, outC: number, g: number): GroupCounts {
  const Q = Math.ceil(laneLen / g);
  const lastLen = laneLen - (Q - 1) * g;
  const counts = new Uint16Array(taps * outC * Q);
  for (let i = 0; i < counts.length; i++) counts[i] = i % Q === Q - 1 ? lastLen : g;
  return {
    hash: `dense-${taps}x${laneLen}x${outC}`,
    g,
    Q,
    lastLen,
    taps,
    outC,
    laneLen,
    counts,
    nnz: taps * laneLen * outC,
    balancedN: Q > 1 || lastLen === g ? g : null,
    maxFull: Q > 1 || lastLen === g ? g : 0,
  };
}
