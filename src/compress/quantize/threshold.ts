/**
 * Clipping thresholds `T` for fixed-point quantization (METHODS §3.2 step 2a, §3.5):
 * `max` (= max|x|), `percentile` (nearest-rank percentile of |x|) and `kl` (§3.3).
 */
import { checkArg, checkOneOf } from '../../errors.js';
import { absMax } from './histogram.js';
import { klThreshold, type ZeroHandling } from './kl-threshold.js';

export const ThresholdMethods = ['max', 'percentile', 'kl'] as const;
export type ThresholdMethod = (typeof ThresholdMethods)[number];

export interface ThresholdOptions {
  method: ThresholdMethod;
  /** Percentile in (0, 100] for `percentile` (default 99.99). */
  percentile?: number;
  /** KL histogram bins B (default 2048). */
  bins?: number;
  /** KL target bins Q (default `2^(bits-1)` when used through a plan; required here for `kl`). */
  targetBins?: number;
  /** Exclude exact zeros from KL / percentile statistics (default true). */
  excludeZeros?: boolean;
  zeroHandling?: ZeroHandling;
}

/**
 * Nearest-rank percentile of `|x|`: the `ceil(p/100·n)`-th smallest (1-based) of the n counted
 * values (zeros excluded when `excludeZeros`, default true). Exact, O(n) expected (quickselect).
 */
export function percentileThreshold(x: ArrayLike<number>, p: number, excludeZeros = true): number {
  checkArg(Number.isFinite(p) && p > 0 && p <= 100, 'percentileThreshold', 'percentile', p, 'in (0, 100]');
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!(excludeZeros && x[i] === 0)) n++;
  if (n === 0) return 0;
  const a = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (excludeZeros && v === 0) continue;
    a[k++] = v < 0 ? -v : v;
  }
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return quickselect(a, rank - 1);
}

/** k-th smallest (0-based) of `a`, reordering `a` in place (Hoare partition, median-of-three). */
export function quickselect(a: Float32Array | Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Threshold `T >= 0` of a tensor by the chosen method. */
export function computeThreshold(x: ArrayLike<number>, opts: ThresholdOptions): number {
  checkOneOf('computeThreshold', 'method', opts.method, ThresholdMethods);
  switch (opts.method) {
    case 'max':
      return absMax(x);
    case 'percentile':
      return percentileThreshold(x, opts.percentile ?? 99.99, opts.excludeZeros ?? true);
    case 'kl': {
      checkArg(
        opts.targetBins !== undefined,
        'computeThreshold',
        'targetBins',
        'undefined',
        "an integer >= 1 for method 'kl'",
      );
      const r = klThreshold(x, {
        targetBins: opts.targetBins,
        ...(opts.bins !== undefined ? { bins: opts.bins } : {}),
        ...(opts.excludeZeros !== undefined ? { excludeZeros: opts.excludeZeros } : {}),
        ...(opts.zeroHandling !== undefined ? { zeroHandling: opts.zeroHandling } : {}),
      });
      return r.threshold;
    }
  }
}
