/**
 * Sorted non-zero values of a tensor with float64 prefix sums: the data structure that makes 1-D
 * Lloyd iterations O(K log n) (clusters are contiguous ranges of the sorted values).
 * Values are handled as float32 (tensors in hwsweep are Float32Array).
 */

/** Sorted non-zero values and prefix sums `s1[i] = Σ_{t<i} v[t]`. */
export interface SortedValues {
  /** Non-zero values ascending, `[n]`. */
  v: Float32Array;
  /** Prefix sums, `[n + 1]`, float64. */
  s1: Float64Array;
}

const RADIX_MIN = 4096;

/** Non-zero values of `x`, ascending (LSD radix sort on float32 bit patterns for large inputs). */
export function sortedNonZero(x: ArrayLike<number>): Float32Array {
  const f = x instanceof Float32Array ? x : Float32Array.from(x);
  let n = 0;
  for (let i = 0; i < f.length; i++) if ((f[i] as number) !== 0) n++;
  if (n < RADIX_MIN) {
    const v = new Float32Array(n);
    let k = 0;
    for (let i = 0; i < f.length; i++) {
      const a = f[i] as number;
      if (a !== 0) v[k++] = a;
    }
    return v.sort();
  }
  return radixSortF32(f, n);
}

/**
 * Sorts the non-zero entries of a Float32Array ascending (no NaN expected) with 3 LSD passes of
 * 11/11/10 bits on order-preserving keys; `nonZeros` = their count (computed when omitted).
 * Returns a new array of length `nonZeros`; the input is untouched.
 */
export function radixSortF32(a: Float32Array, nonZeros?: number): Float32Array {
  let n = nonZeros ?? -1;
  if (n < 0) {
    n = 0;
    for (let i = 0; i < a.length; i++) if ((a[i] as number) !== 0) n++;
  }
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const keys = new Uint32Array(n);
  const tmp = new Uint32Array(n);
  const c0 = new Uint32Array(2048);
  const c1 = new Uint32Array(2048);
  const c2 = new Uint32Array(1024);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const b = u[i] as number;
    if ((b & 0x7fffffff) === 0) continue; // +0 and -0
    const k = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[m++] = k;
    const d0 = k & 2047;
    const d1 = (k >>> 11) & 2047;
    const d2 = k >>> 22;
    c0[d0] = (c0[d0] as number) + 1;
    c1[d1] = (c1[d1] as number) + 1;
    c2[d2] = (c2[d2] as number) + 1;
  }
  exclusiveScan(c0);
  exclusiveScan(c1);
  exclusiveScan(c2);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    const d = k & 2047;
    const p = c0[d] as number;
    c0[d] = p + 1;
    tmp[p] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = tmp[i] as number;
    const d = (k >>> 11) & 2047;
    const p = c1[d] as number;
    c1[d] = p + 1;
    keys[p] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    const d = k >>> 22;
    const p = c2[d] as number;
    c2[d] = p + 1;
    tmp[p] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  return new Float32Array(tmp.buffer, 0, n);
}

function exclusiveScan(c: Uint32Array): void {
  let s = 0;
  for (let i = 0; i < c.length; i++) {
    const x = c[i] as number;
    c[i] = s;
    s += x;
  }
}

/** Builds the sorted values + prefix sums. */
export function buildSorted(x: ArrayLike<number>): SortedValues {
  const v = sortedNonZero(x);
  const s1 = new Float64Array(v.length + 1);
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i] as number;
    s1[i + 1] = s;
  }
  return { v, s1 };
}

/** Number of sorted values `<= m` (upper bound), binary search. */
export function countAtMost(v: Float32Array, m: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((v[mid] as number) <= m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
