/**
 * Radix-point (fractional length) choice, METHODS §3.2 steps 2b-2c (Qiu et al. 2016, Ristretto).
 */
import { checkArg } from '../../errors.js';
import { checkFormat, quantizationSseMulti } from './fixed-point.js';

/**
 * Initial fractional length `FL0 = (b-1) - ceil(log2 T)`: the largest FL whose code range spans ±T
 * (up to one step when T is an exact power of two). `T <= 0` (all-zero tensor) gives `FL0 = b-1`.
 */
export function initialFl(threshold: number, bits: number): number {
  checkFormat('initialFl', { bits, fl: 0 });
  checkArg(Number.isFinite(threshold) && threshold >= 0, 'initialFl', 'threshold', threshold, 'a finite number >= 0');
  if (threshold === 0) return bits - 1;
  return bits - 1 - Math.ceil(Math.log2(threshold));
}

export interface FlSearchResult {
  /** Chosen FL (ties -> larger FL). */
  fl: number;
  fl0: number;
  /** Candidates `FL0-radius .. FL0+radius` with their SSE `Σ (x - Q_FL(x))²` (rna rounding, float64). */
  candidates: { fl: number; sse: number }[];
}

/**
 * FL search: minimise `E(FL) = Σ (x - Q_FL(x))²` over `FL ∈ {FL0-radius, …, FL0+radius}`, ties -> larger FL.
 * @param x values to fit (weights: all; activations: calibration sample, <= 1e6 recommended).
 * @param threshold T used for FL0 (e.g. from `computeThreshold`).
 * @param opts.radius search radius, integer in [0, 16] (default 2).
 */
export function searchFl(
  x: ArrayLike<number>,
  bits: number,
  threshold: number,
  opts: { radius?: number } = {},
): FlSearchResult {
  const radius = opts.radius ?? 2;
  checkArg(
    Number.isInteger(radius) && radius >= 0 && radius <= 16,
    'searchFl',
    'radius',
    radius,
    'an integer in [0, 16]',
  );
  const fl0 = initialFl(threshold, bits);
  const fls: number[] = [];
  for (let fl = Math.max(-64, fl0 - radius); fl <= Math.min(64, fl0 + radius); fl++) fls.push(fl);
  const sses = quantizationSseMulti(x, bits, fls);
  const candidates = fls.map((fl, i) => ({ fl, sse: sses[i] as number }));
  let best = { fl: fl0, sse: Infinity };
  for (const c of candidates) if (c.sse <= best.sse) best = c;
  return { fl: best.fl, fl0, candidates };
}
