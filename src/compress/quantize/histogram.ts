/**
 * Single-pass statistics over large tensors (≈100 M values): `max|x|` and the histogram of `|x|`
 * used by the KL threshold search (METHODS §3.3 step 1).
 */
import { checkArg } from '../../errors.js';

/** Largest `|x|` (0 for an empty input). One pass, no allocation. */
export function absMax(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const a = v < 0 ? -v : v;
    if (a > m) m = a;
  }
  return m;
}

/** Histogram of `|x|` over `[0, max]` with `bins` equal bins (`width = max/bins`). */
export interface AbsHistogram {
  /** Counts per bin, `[bins]`; the last bin also holds `|x| = max`. */
  counts: Float64Array;
  /** Bin width (same unit as x). 0 when every counted value is 0. */
  width: number;
  /** Upper edge of the range (the `max` used). */
  max: number;
  /** Number of values counted (zeros excluded when `excludeZeros`). */
  total: number;
}

/**
 * Histogram of `|x|` in one pass (plus one `absMax` pass when `max` is not given).
 * Bin of a value: `min(floor(|x|/width), bins-1)`; values above `max` go to the last bin.
 * @param x any layout, float values.
 * @param opts.bins number of bins B, integer in [1, 2^24] (default 2048).
 * @param opts.excludeZeros skip exact zeros (default true; METHODS §3.3 step 1 knob).
 * @param opts.max range upper edge; defaults to `max|x|`.
 */
export function absHistogram(
  x: ArrayLike<number>,
  opts: { bins?: number; excludeZeros?: boolean; max?: number } = {},
): AbsHistogram {
  const bins = opts.bins ?? 2048;
  checkArg(
    Number.isInteger(bins) && bins >= 1 && bins <= 2 ** 24,
    'absHistogram',
    'bins',
    bins,
    'an integer in [1, 16777216]',
  );
  const excludeZeros = opts.excludeZeros ?? true;
  const max = opts.max ?? absMax(x);
  checkArg(Number.isFinite(max) && max >= 0, 'absHistogram', 'max', max, 'a finite number >= 0');
  const counts = new Float64Array(bins);
  const width = max / bins;
  let total = 0;
  if (max === 0) {
    if (!excludeZeros) {
      counts[0] = x.length;
      total = x.length;
    }
    return { counts, width: 0, max: 0, total };
  }
  const last = bins - 1;
  const c = new Uint32Array(bins);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v === 0 && excludeZeros) continue;
    const a = v < 0 ? -v : v;
    let b = Math.floor(a / width);
    if (b > last) b = last;
    const n = c[b] as number;
    if (n === 0xffffffff) {
      counts[b] = (counts[b] as number) + 0x100000000;
      c[b] = 0;
    } else c[b] = n + 1;
    total++;
  }
  for (let b = 0; b < bins; b++) counts[b] = (counts[b] as number) + (c[b] as number);
  return { counts, width, max, total };
}
