/**
 * Exact hypervolume (the measure of the region dominated by a point set and bounded by a reference point),
 * minimisation convention, in 1, 2 and 3 dimensions.
 */
import { checkArg } from '../errors.js';

/**
 * Hypervolume of `points` with respect to `reference` (minimisation: a point counts only where it is below
 * the reference in every coordinate; points that are not contribute nothing).
 * 2-D: one sweep over x, O(N log N). 3-D: slices along z, each slice's area by the 2-D sweep, O(N² log N).
 * @param points `[N][M]`, M = 1, 2 or 3, finite
 * @param reference `[M]`
 * @returns the volume, in the product of the objectives' units
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const m = reference.length;
  checkArg(m >= 1 && m <= 3, 'hypervolume', 'reference.length', m, '1, 2 or 3 (exact algorithms implemented)');
  for (const p of points) {
    checkArg(p.length === m, 'hypervolume', 'point length', p.length, `${m} (the reference's length)`);
    checkArg(p.every(Number.isFinite), 'hypervolume', 'point', `[${p.join(', ')}]`, 'finite');
  }
  const inside = points.filter((p) => p.every((v, i) => v < (reference[i] as number)));
  if (inside.length === 0) return 0;
  if (m === 1) return (reference[0] as number) - Math.min(...inside.map((p) => p[0] as number));
  if (m === 2) return area2d(inside, reference[0] as number, reference[1] as number);
  const byZ = [...inside].sort((a, b) => (a[2] as number) - (b[2] as number));
  let volume = 0;
  for (let i = 0; i < byZ.length; i++) {
    const z = byZ[i]?.[2] as number;
    const nextZ = i + 1 < byZ.length ? (byZ[i + 1]?.[2] as number) : (reference[2] as number);
    if (nextZ > z) volume += area2d(byZ.slice(0, i + 1), reference[0] as number, reference[1] as number) * (nextZ - z);
  }
  return volume;
}

/** Area dominated by the (x, y) of `points` inside `[.., rx] × [.., ry]`; every point is below the reference. */
function area2d(points: readonly (readonly number[])[], rx: number, ry: number): number {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let area = 0;
  let yBest = ry;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < yBest) {
      area += (rx - (p[0] as number)) * (yBest - y);
      yBest = y;
    }
  }
  return area;
}
