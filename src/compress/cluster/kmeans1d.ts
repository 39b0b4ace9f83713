/**
 * One-dimensional k-means of the NON-ZERO values of a tensor (METHODS §1.5; Deep Compression weight
 * sharing). Lloyd iterations run on the sorted values, where every cluster is a contiguous range, so
 * one iteration costs O(K log n) after an O(n) radix sort (≈100 M values in a few seconds).
 *
 * Assignment rule: a value goes to the nearest centroid; ties -> lower index. It is evaluated through
 * the midpoints `m_k = (c_k + c_{k+1})/2` in float64 (`v <= m_k` -> cluster k or lower).
 */
import { checkArg, checkOneOf } from '../../errors.js';
import type { Rng } from '../../shared/rng.js';
import { buildSorted, countAtMost, type SortedValues } from './sorted-values.js';

export const KmeansInits = ['linear', 'kmeans++', 'density'] as const;
/** `linear`: evenly spaced over [min, max] (default); `kmeans++`: seeded D² sampling; `density`: quantiles `(k+0.5)/K` of the values. */
export type KmeansInit = (typeof KmeansInits)[number];

export const EmptyClusterRules = ['move', 'drop'] as const;
/** `move`: re-seed an empty cluster at the value with the largest current error (default); `drop`: remove it (K_eff < K). */
export type EmptyClusterRule = (typeof EmptyClusterRules)[number];

export interface KmeansOptions {
  init?: KmeansInit;
  /** Start from these centroids instead of an init (e.g. static activation centroids, online mode). */
  initialCentroids?: ArrayLike<number>;
  /** Lloyd iteration cap (default 100). */
  maxIterations?: number;
  emptyCluster?: EmptyClusterRule;
  /** Required for `kmeans++`. */
  rng?: Rng;
  /** Record the inertia after every mean update (O(n) per iteration). */
  trackInertia?: boolean;
}

export interface KmeansResult {
  /** Centroids ascending, `[kEff]`; code `k+1` denotes `centroids[k]`, code 0 exact zero. */
  centroids: Float64Array;
  /** Effective cluster count (< K when clusters were dropped / values are too few distinct). */
  kEff: number;
  /** Lloyd iterations run (the last one found no assignment change when `converged`). */
  iterations: number;
  converged: boolean;
  /** Number of non-zero values clustered. */
  n: number;
  /** Inertia `Σ (v - c(v))²` after each mean update, when `trackInertia`. */
  inertiaHistory?: number[];
}

/** Validates K against the non-zero count n: `1 <= K <= n`, integer. */
export function checkK(where: string, k: number, nonZeros: number): void {
  checkArg(Number.isInteger(k) && k >= 1, where, 'K', k, 'an integer >= 1');
  checkArg(k <= nonZeros, where, 'K', k, `<= the number of non-zero values (${nonZeros})`);
}

/**
 * k-means of the non-zero values of `x` (zeros are ignored; they keep code 0).
 * @param x any layout (Float32Array typically); values are read as float32.
 * @param k number of clusters K, integer in [1, number of non-zeros].
 */
export function kmeans1d(x: ArrayLike<number>, k: number, opts: KmeansOptions = {}): KmeansResult {
  const sv = buildSorted(x);
  return kmeansSorted(sv, k, opts);
}

/** Same as `kmeans1d` on pre-sorted data (`buildSorted`). */
export function kmeansSorted(sv: SortedValues, k: number, opts: KmeansOptions = {}): KmeansResult {
  const n = sv.v.length;
  checkK('kmeans1d', k, n);
  const maxIt = opts.maxIterations ?? 100;
  checkArg(Number.isInteger(maxIt) && maxIt >= 1, 'kmeans1d', 'maxIterations', maxIt, 'an integer >= 1');
  const rule = opts.emptyCluster ?? 'move';
  checkOneOf('kmeans1d', 'emptyCluster', rule, EmptyClusterRules);
  let c = initCentroids(sv, k, opts);
  const history: number[] | undefined = opts.trackInertia ? [] : undefined;
  let prev: Int32Array | undefined;
  let iterations = 0;
  let converged = false;
  for (let it = 1; it <= maxIt; it++) {
    iterations = it;
    const b = boundaries(sv.v, c);
    if (prev !== undefined && sameBounds(prev, b)) {
      converged = true;
      break;
    }
    prev = b;
    c = updateMeans(sv, c, b, rule);
    if (history) history.push(inertia(sv.v, c));
  }
  return { centroids: c, kEff: c.length, iterations, converged, n, ...(history ? { inertiaHistory: history } : {}) };
}

function initCentroids(sv: SortedValues, k: number, opts: KmeansOptions): Float64Array {
  const v = sv.v;
  const n = v.length;
  if (opts.initialCentroids !== undefined) {
    const c = Float64Array.from(opts.initialCentroids);
    checkArg(c.length >= 1, 'kmeans1d', 'initialCentroids.length', c.length, '>= 1');
    return c.sort();
  }
  const init = opts.init ?? 'linear';
  checkOneOf('kmeans1d', 'init', init, KmeansInits);
  const c = new Float64Array(k);
  const lo = v[0] as number;
  const hi = v[n - 1] as number;
  if (init === 'linear') {
    if (k === 1) c[0] = (sv.s1[n] as number) / n;
    else for (let j = 0; j < k; j++) c[j] = lo + (j * (hi - lo)) / (k - 1);
    return c;
  }
  if (init === 'density') {
    for (let j = 0; j < k; j++) c[j] = v[Math.min(n - 1, Math.floor(((j + 0.5) / k) * n))] as number;
    return c;
  }
  const rng = opts.rng;
  checkArg(rng !== undefined, 'kmeans1d', 'rng', 'undefined', "a seeded Rng for init 'kmeans++'");
  return kmeansPlusPlus(v, k, rng);
}

/** Seeded k-means++ (Arthur & Vassilvitskii 2007): O(n·K). Stops early if every value is on a centroid. */
function kmeansPlusPlus(v: Float32Array, k: number, rng: Rng): Float64Array {
  const n = v.length;
  const chosen: number[] = [v[rng.int(n)] as number];
  const d2 = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = (v[i] as number) - (chosen[0] as number);
    d2[i] = e * e;
    total += e * e;
  }
  while (chosen.length < k && total > 0) {
    const target = rng.next() * total;
    let acc = 0;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      acc += d2[i] as number;
      if (acc > target) {
        pick = i;
        break;
      }
    }
    const c = v[pick] as number;
    chosen.push(c);
    total = 0;
    for (let i = 0; i < n; i++) {
      const e = (v[i] as number) - c;
      const d = e * e;
      if (d < (d2[i] as number)) d2[i] = d;
      total += d2[i] as number;
    }
  }
  return Float64Array.from(chosen).sort();
}

/**
 * Range ends `b[k]` (exclusive) of each cluster over the sorted values: cluster k = `[b[k-1], b[k])`.
 * Duplicate centroids: the first of a run of equal centroids owns the range (tie -> lower k), the others are empty.
 */
export function boundaries(v: Float32Array, c: Float64Array): Int32Array {
  const k = c.length;
  const b = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    if (j > 0 && c[j] === c[j - 1]) {
      b[j] = b[j - 1] as number;
      continue;
    }
    let nx = j + 1;
    while (nx < k && c[nx] === c[j]) nx++;
    b[j] = nx >= k ? v.length : countAtMost(v, ((c[j] as number) + (c[nx] as number)) / 2);
  }
  return b;
}

function sameBounds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Mean update + empty-cluster rule. Returns new centroids ascending. */
function updateMeans(sv: SortedValues, c: Float64Array, b: Int32Array, rule: EmptyClusterRule): Float64Array {
  const k = c.length;
  const means: number[] = [];
  const ranges: [number, number, number][] = []; // [lo, hi, mean] of non-empty clusters
  let empty = 0;
  for (let j = 0; j < k; j++) {
    const lo = j === 0 ? 0 : (b[j - 1] as number);
    const hi = b[j] as number;
    if (hi > lo) {
      const m = ((sv.s1[hi] as number) - (sv.s1[lo] as number)) / (hi - lo);
      means.push(m);
      ranges.push([lo, hi, m]);
    } else empty++;
  }
  if (rule === 'move' && empty > 0) {
    // re-seed each empty cluster at the value with the largest error w.r.t. its cluster's new mean
    // (ties -> smallest sorted position); consumed values are taken from the range ends inward.
    const v = sv.v;
    const ends = ranges.map(([lo, hi]) => [lo, hi - 1]);
    let last = Number.NaN;
    for (let e = 0; e < empty; e++) {
      let bestErr = 0;
      let bestPos = -1;
      let bestR = -1;
      for (let r = 0; r < ranges.length; r++) {
        const end = ends[r] as number[];
        const mean = (ranges[r] as [number, number, number])[2];
        while ((end[0] as number) <= (end[1] as number) && v[end[0] as number] === last)
          end[0] = (end[0] as number) + 1;
        while ((end[0] as number) <= (end[1] as number) && v[end[1] as number] === last)
          end[1] = (end[1] as number) - 1;
        if ((end[0] as number) > (end[1] as number)) continue;
        const p0 = end[0] as number;
        const p1 = end[1] as number;
        const e0 = mean - (v[p0] as number);
        const e1 = (v[p1] as number) - mean;
        if (e0 > bestErr || (e0 === bestErr && e0 > 0 && p0 < bestPos)) [bestErr, bestPos, bestR] = [e0, p0, r];
        if (e1 > bestErr) [bestErr, bestPos, bestR] = [e1, p1, r];
      }
      if (bestPos < 0 || bestErr <= 0) break; // nothing left to split: drop the remaining empty clusters
      last = v[bestPos] as number;
      means.push(last);
      const end = ends[bestR] as number[];
      if (bestPos === end[0]) end[0] = bestPos + 1;
      else end[1] = bestPos - 1;
    }
  }
  return Float64Array.from(means).sort();
}

/** Inertia `Σ (v - nearest centroid)²` over sorted values (float64). */
export function inertia(v: Float32Array, c: Float64Array): number {
  const b = boundaries(v, c);
  let s = 0;
  for (let j = 0; j < c.length; j++) {
    const lo = j === 0 ? 0 : (b[j - 1] as number);
    const hi = b[j] as number;
    const cj = c[j] as number;
    for (let i = lo; i < hi; i++) {
      const e = (v[i] as number) - cj;
      s += e * e;
    }
  }
  return s;
}
