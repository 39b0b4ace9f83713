/**
 * Activation clustering (METHODS §5.2 step 4): `static` centroids per layer from calibration data,
 * and `online` refinement (T_it Lloyd iterations per image, starting from the static centroids).
 * Negative activations (no ReLU before the layer) are clustered like any non-zero value (§8.12).
 */
import { checkArg } from '../../errors.js';
import type { Rng } from '../../shared/rng.js';
import { midpoints, nearestIndex } from './assign.js';
import { type KmeansOptions, kmeans1d } from './kmeans1d.js';

export const ActivationModes = ['static', 'online'] as const;
export type ActivationMode = (typeof ActivationModes)[number];

/**
 * Static activation centroids of one layer input from calibration values (non-zero values only).
 * @param calibration layer-input values of the calibration images (NHWC, concatenated; any length).
 * @param k K_a; clamped to the number of non-zero calibration values (>= 1 required).
 */
export function staticActivationCentroids(
  calibration: ArrayLike<number>,
  k: number,
  opts: KmeansOptions & { rng?: Rng } = {},
): Float64Array {
  checkArg(Number.isInteger(k) && k >= 1, 'staticActivationCentroids', 'K', k, 'an integer >= 1');
  let nz = 0;
  for (let i = 0; i < calibration.length; i++) if ((calibration[i] as number) !== 0) nz++;
  checkArg(nz >= 1, 'staticActivationCentroids', 'non-zero calibration values', nz, '>= 1');
  return kmeans1d(calibration, Math.min(k, nz), opts).centroids;
}

/**
 * Online refinement for one image (hardware "non-zero clustering module"): `iterations` Lloyd steps
 * over the image's non-zero values starting from `centroids`; a cluster left empty keeps its centroid.
 * @param x one image's layer-input values (NHWC `[1, H, W, C]` flattened).
 * @param centroids ascending static centroids `[K_a]`.
 * @param iterations T_it >= 0 (default 3).
 * @returns refined centroids, ascending, `[K_a]`.
 */
export function refineOnline(x: ArrayLike<number>, centroids: ArrayLike<number>, iterations = 3): Float64Array {
  checkArg(
    Number.isInteger(iterations) && iterations >= 0,
    'refineOnline',
    'iterations',
    iterations,
    'an integer >= 0',
  );
  let c = Float64Array.from(centroids).sort();
  const k = c.length;
  const sum = new Float64Array(k);
  const cnt = new Float64Array(k);
  for (let t = 0; t < iterations; t++) {
    const m = midpoints(c);
    sum.fill(0);
    cnt.fill(0);
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      if (v === 0) continue;
      const j = nearestIndex(v, m);
      sum[j] = (sum[j] as number) + v;
      cnt[j] = (cnt[j] as number) + 1;
    }
    const next = new Float64Array(k);
    let changed = false;
    for (let j = 0; j < k; j++) {
      next[j] = (cnt[j] as number) > 0 ? (sum[j] as number) / (cnt[j] as number) : (c[j] as number);
      if (next[j] !== c[j]) changed = true;
    }
    c = next.sort();
    if (!changed) break;
  }
  return c;
}
