/**
 * Fast 1-D code assignment: sorted centroids, their midpoints and a binary search per value
 * (`ceil(log2 K)` comparisons, as the hardware clustering module of METHODS §5.2 step 4 does).
 * Code 0 is reserved for exact zero; code `k+1` means `centroids[k]`.
 */
import { checkArg } from '../../errors.js';

/** Midpoints `m[k] = (c[k] + c[k+1]) / 2`, `[K-1]`, float64. */
export function midpoints(centroids: ArrayLike<number>): Float64Array {
  const k = centroids.length;
  const m = new Float64Array(Math.max(0, k - 1));
  for (let j = 0; j + 1 < k; j++) m[j] = ((centroids[j] as number) + (centroids[j + 1] as number)) / 2;
  return m;
}

function checkSorted(where: string, c: ArrayLike<number>): void {
  checkArg(c.length >= 1 && c.length <= 65535, where, 'centroids.length', c.length, 'in [1, 65535]');
  for (let j = 1; j < c.length; j++) {
    checkArg(
      (c[j] as number) >= (c[j - 1] as number),
      where,
      `centroids[${j}]`,
      c[j],
      `>= centroids[${j - 1}] (ascending)`,
    );
  }
}

/** Index of the nearest centroid (ties -> lower) given midpoints; `m.length = K-1`. */
export function nearestIndex(x: number, m: Float64Array): number {
  let lo = 0;
  let hi = m.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= (m[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Codes of every value: 0 for exact zero, else `1 + nearest centroid index` (ties -> lower).
 * Equal neighbouring centroids decode to the same value whichever code a value gets.
 * @param x any layout; output has the same length and order.
 * @param centroids ascending, `[K]`, K <= 65535.
 * @returns `Uint8Array` when K <= 255, else `Uint16Array`.
 */
export function assignCodes(x: ArrayLike<number>, centroids: ArrayLike<number>): Uint8Array | Uint16Array {
  checkSorted('assignCodes', centroids);
  const m = midpoints(centroids);
  const out = centroids.length <= 255 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  const k = centroids.length;
  if (k === 1) {
    for (let i = 0; i < x.length; i++) if ((x[i] as number) !== 0) out[i] = 1;
    return out;
  }
  // Uniform cell table over [m0 - span, m_last + span]: each cell stores the index range its values can
  // map to (widened by one cell on both sides, so float rounding of the cell index never excludes the
  // answer); the final decision is always the midpoint comparison.
  const lo = (m[0] as number) - ((m[k - 2] as number) - (m[0] as number) + 1e-30);
  const hi = (m[k - 2] as number) + ((m[k - 2] as number) - (m[0] as number) + 1e-30);
  const cells = Math.min(65536, 16 * k);
  const scale = cells / (hi - lo);
  const cellLo = new Int32Array(cells);
  const cellHi = new Int32Array(cells);
  for (let j = 0; j < cells; j++) {
    cellLo[j] = nearestIndex(lo + (j - 1) / scale, m);
    cellHi[j] = nearestIndex(lo + (j + 2) / scale, m);
  }
  const last = cells - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v === 0) continue;
    let a: number;
    let b: number;
    if (v <= lo) {
      a = 0;
      b = 0;
    } else if (v >= hi) {
      a = k - 1;
      b = k - 1;
    } else {
      let j = Math.floor((v - lo) * scale);
      if (j > last) j = last;
      a = cellLo[j] as number;
      b = cellHi[j] as number;
    }
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (v <= (m[mid] as number)) b = mid;
      else a = mid + 1;
    }
    out[i] = a + 1;
  }
  return out;
}

/** Values from codes: `0 -> 0`, `k -> centroids[k-1]`. Float32Array, same length as codes. */
export function decodeCodes(codes: ArrayLike<number>, centroids: ArrayLike<number>): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c !== 0) out[i] = centroids[c - 1] as number;
  }
  return out;
}

/** Replaces every non-zero value by its nearest centroid (zeros stay 0). */
export function snapToCentroids(x: ArrayLike<number>, centroids: ArrayLike<number>): Float32Array {
  checkSorted('snapToCentroids', centroids);
  const m = midpoints(centroids);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v !== 0) out[i] = centroids[nearestIndex(v, m)] as number;
  }
  return out;
}
