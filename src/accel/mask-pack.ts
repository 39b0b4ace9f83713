/**
 * Bit-packing of HWIO byte masks: one row of `laneLen` bits per (tap, output channel), plus a 64-bit
 * content hash. One pass over the mask; the only O(weights) step of the sparse engines.
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
