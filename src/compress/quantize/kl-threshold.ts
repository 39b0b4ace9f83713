/**
 * KL-divergence (entropy) calibration, one-sided on `|x|` (METHODS §3.3; TensorRT / Migacz 2017,
 * MXNet `contrib/quantization.py`, ncnn).
 *
 * Zero handling (§3.3 step 2d): with `zeroHandling: 'inf'` (default, this spec) a candidate whose
 * expanded Q has `Q_t = 0` at some `P_t > 0` gets `KL = +∞` and can never be chosen (unless every
 * candidate is +∞, then the smallest i wins). MXNet instead smooths both count vectors with
 * `ε = 1e-4` (`'smooth'`): zero entries get `+ε`, non-zero entries `-ε·nZeros/nNonZeros`, then both
 * are normalised and KL is summed over every position.
 */
import { checkArg, checkOneOf } from '../../errors.js';
import { absHistogram } from './histogram.js';

export const ZeroHandlings = ['inf', 'smooth'] as const;
export type ZeroHandling = (typeof ZeroHandlings)[number];

export interface KlOptions {
  /** Target bins Q (`2^(b-1)` for b-bit activations), integer >= 1. */
  targetBins: number;
  /** `'inf'` (default) or MXNet's `'smooth'`. */
  zeroHandling?: ZeroHandling;
  /** Smoothing ε for `'smooth'` (default 1e-4, MXNet's value). */
  smoothEps?: number;
}

export interface KlSearchResult {
  /** `kl[i - Q]` = KL(P‖Q) of candidate i, for i = Q..B (length `B - Q + 1`). */
  kl: Float64Array;
  /** Chosen number of bins `i* = argmin KL` (ties -> smaller i). */
  iStar: number;
}

/**
 * KL divergence of every candidate i = Q..B over a given histogram `h[0..B-1]` (§3.3 steps 2-3).
 * @param h bin counts `[B]` (zeros already excluded if wanted); `B >= Q` required.
 */
export function klSearch(h: ArrayLike<number>, opts: KlOptions): KlSearchResult {
  const B = h.length;
  const Q = opts.targetBins;
  checkArg(Number.isInteger(Q) && Q >= 1, 'klSearch', 'targetBins', Q, 'an integer >= 1');
  checkArg(B >= Q, 'klSearch', 'bins', B, `>= targetBins (${Q})`);
  const zh = opts.zeroHandling ?? 'inf';
  checkOneOf('klSearch', 'zeroHandling', zh, ZeroHandlings);
  const eps = opts.smoothEps ?? 1e-4;
  checkArg(eps > 0 && eps < 1, 'klSearch', 'smoothEps', eps, 'in (0, 1)');
  // suffix sums for the outlier mass
  const suffix = new Float64Array(B + 1);
  for (let t = B - 1; t >= 0; t--) suffix[t] = (suffix[t + 1] as number) + (h[t] as number);
  const kl = new Float64Array(B - Q + 1);
  const P = new Float64Array(B);
  const q = new Float64Array(B);
  let best = Infinity;
  let iStar = Q;
  for (let i = Q; i <= B; i++) {
    for (let t = 0; t < i; t++) P[t] = h[t] as number;
    P[i - 1] = (P[i - 1] as number) + (suffix[i] as number);
    const m = Math.floor(i / Q);
    for (let j = 0; j < Q; j++) {
      const start = j * m;
      const stop = j === Q - 1 ? i : start + m;
      let merged = 0;
      let nonZero = 0;
      for (let t = start; t < stop; t++) {
        merged += h[t] as number;
        if ((P[t] as number) !== 0) nonZero++;
      }
      const share = nonZero > 0 ? merged / nonZero : 0;
      for (let t = start; t < stop; t++) q[t] = (P[t] as number) !== 0 ? share : 0;
    }
    const d = zh === 'inf' ? klInf(P, q, i) : klSmooth(P, q, i, eps);
    kl[i - Q] = d;
    if (d < best) {
      best = d;
      iStar = i;
    }
  }
  return { kl, iStar };
}

function sumOf(a: Float64Array, n: number): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += a[t] as number;
  return s;
}

function klInf(P: Float64Array, q: Float64Array, n: number): number {
  const sp = sumOf(P, n);
  const sq = sumOf(q, n);
  if (sp === 0) return 0;
  if (sq === 0) return Infinity;
  let d = 0;
  for (let t = 0; t < n; t++) {
    const p = (P[t] as number) / sp;
    if (p === 0) continue;
    const qq = (q[t] as number) / sq;
    if (qq === 0) return Infinity;
    d += p * Math.log(p / qq);
  }
  return d;
}

/** MXNet `_smooth_distribution` on counts, then `scipy.stats.entropy` (normalises both). */
function smooth(a: Float64Array, n: number, eps: number): Float64Array | undefined {
  let zeros = 0;
  for (let t = 0; t < n; t++) if ((a[t] as number) === 0) zeros++;
  const nonZeros = n - zeros;
  if (nonZeros === 0) return undefined;
  const eps1 = (eps * zeros) / nonZeros;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = (a[t] as number) === 0 ? eps : (a[t] as number) - eps1;
  return out;
}

function klSmooth(P: Float64Array, q: Float64Array, n: number, eps: number): number {
  const ps = smooth(P, n, eps);
  const qs = smooth(q, n, eps);
  if (ps === undefined) return 0;
  if (qs === undefined) return Infinity;
  const sp = sumOf(ps, n);
  const sq = sumOf(qs, n);
  let d = 0;
  for (let t = 0; t < n; t++) {
    const p = (ps[t] as number) / sp;
    if (p <= 0) continue;
    d += p * Math.log(p / ((qs[t] as number) / sq));
  }
  return d;
}

export interface KlThresholdResult extends KlSearchResult {
  /** Clipping threshold `T = (i* + 0.5)·w` (same unit as x). */
  threshold: number;
  /** Histogram bin width `w = max|x| / B`. */
  binWidth: number;
  /** Histogram used (`[B]`). */
  histogram: Float64Array;
}

/**
 * KL threshold of a tensor (§3.3): histogram of `|x|` (B bins over `[0, max|x|]`, exact zeros
 * excluded by default), KL search with Q target bins, `T = (i* + 0.5)·w`.
 * An all-zero (or empty) tensor gives `T = 0`.
 * @param opts.bins B (default 2048), must be >= targetBins.
 */
export function klThreshold(
  x: ArrayLike<number>,
  opts: KlOptions & { bins?: number; excludeZeros?: boolean },
): KlThresholdResult {
  const bins = opts.bins ?? 2048;
  checkArg(Number.isInteger(bins) && bins >= 1, 'klThreshold', 'bins', bins, 'an integer >= 1');
  checkArg(bins >= opts.targetBins, 'klThreshold', 'bins', bins, `>= targetBins (${opts.targetBins})`);
  const hist = absHistogram(x, { bins, excludeZeros: opts.excludeZeros ?? true });
  if (hist.total === 0 || hist.width === 0) {
    return { kl: new Float64Array(0), iStar: 0, threshold: 0, binWidth: 0, histogram: hist.counts };
  }
  const r = klSearch(hist.counts, opts);
  return { ...r, threshold: (r.iStar + 0.5) * hist.width, binWidth: hist.width, histogram: hist.counts };
}
