/**
 * Exact hypervolume (the measure of the region dominated by a point set and bounded by a reference point),
 * minimisation convention, in 1, 2 and 3 dimensions; and that region as disjoint boxes, for samplers that ask
 * many times how much one more point would add (`hypervolumeImprovement`).
 */
import { checkArg } from '../errors.js';

/** Disjoint axis-aligned boxes, `lower[b·M + d]` to `upper[b·M + d]` for box b and coordinate d. */
export interface Boxes {
  dims: number;
  count: number;
  lower: number[];
  upper: number[];
}

/**
 * The region that `points` dominate below `reference` (minimisation: a point counts only where it is below
 * the reference in every coordinate), as disjoint boxes. 2-D: one box per step of the staircase swept over x,
 * O(N log N). 3-D: slabs between consecutive z values, each the 2-D staircase of the points below it, O(N² log N).
 * @param points `[N][M]`, M = 1, 2 or 3, finite
 * @param reference `[M]`
 */
export function dominatedBoxes(points: readonly (readonly number[])[], reference: readonly number[]): Boxes {
  const m = reference.length;
  checkArg(m >= 1 && m <= 3, 'hypervolume', 'reference.length', m, '1, 2 or 3 (exact algorithms implemented)');
  for (const p of points) {
    checkArg(p.length === m, 'hypervolume', 'point length', p.length, `${m} (the reference's length)`);
    checkArg(p.every(Number.isFinite), 'hypervolume', 'point', `[${p.join(', ')}]`, 'finite');
  }
  const boxes: Boxes = { dims: m, count: 0, lower: [], upper: [] };
  const inside = points.filter((p) => p.every((v, i) => v < (reference[i] as number)));
  if (inside.length === 0) return boxes;
  const push = (lower: number[], upper: number[]): void => {
    boxes.lower.push(...lower);
    boxes.upper.push(...upper);
    boxes.count++;
  };
  const r0 = reference[0] as number;
  if (m === 1) {
    push([Math.min(...inside.map((p) => p[0] as number))], [r0]);
    return boxes;
  }
  const r1 = reference[1] as number;
  if (m === 2) {
    staircase(inside, r0, r1, (x, y0, y1) => push([x, y0], [r0, y1]));
    return boxes;
  }
  const byZ = [...inside].sort((a, b) => (a[2] as number) - (b[2] as number));
  for (let i = 0; i < byZ.length; i++) {
    const z = byZ[i]?.[2] as number;
    const nextZ = i + 1 < byZ.length ? (byZ[i + 1]?.[2] as number) : (reference[2] as number);
    if (nextZ > z) staircase(byZ.slice(0, i + 1), r0, r1, (x, y0, y1) => push([x, y0, z], [r0, y1, nextZ]));
  }
  return boxes;
}

/**
 * Hypervolume of `points` with respect to `reference`: the total volume of `dominatedBoxes`.
 * @param points `[N][M]`, M = 1, 2 or 3, finite
 * @param reference `[M]`
 * @returns the volume, in the product of the objectives' units
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const { dims, count, lower, upper } = dominatedBoxes(points, reference);
  let volume = 0;
  for (let b = 0; b < count; b++) {
    let v = 1;
    for (let d = 0; d < dims; d++) v *= (upper[b * dims + d] as number) - (lower[b * dims + d] as number);
    volume += v;
  }
  return volume;
}

/**
 * Volume that a point `y` would add to what `boxes` (a `dominatedBoxes` region) dominate below `reference`:
 * the box from y to the reference minus its overlap with each of the disjoint boxes. O(boxes · M).
 */
export function hypervolumeImprovement(y: readonly number[], boxes: Boxes, reference: readonly number[]): number {
  const m = boxes.dims;
  let gain = boxVolume(y, reference);
  if (gain === 0) return 0;
  for (let b = 0; b < boxes.count; b++) {
    let overlap = 1;
    for (let d = 0; d < m && overlap > 0; d++) {
      const k = b * m + d;
      overlap *= Math.max(0, (boxes.upper[k] as number) - Math.max(boxes.lower[k] as number, y[d] as number));
    }
    gain -= overlap;
  }
  return Math.max(0, gain);
}

/** Volume between `y` and `reference` (0 unless y is below it in every coordinate): what y alone dominates. */
export function boxVolume(y: readonly number[], reference: readonly number[]): number {
  let box = 1;
  for (let d = 0; d < reference.length; d++) box *= Math.max(0, (reference[d] as number) - (y[d] as number));
  return box;
}

/**
 * The (x, y) region that `points` dominate inside `[.., rx] × [.., ry]` as one strip per step of the staircase:
 * `emit(x, y0, y1)` for the box `[x, rx] × [y0, y1]`. Every point is below the reference.
 */
function staircase(
  points: readonly (readonly number[])[],
  rx: number,
  ry: number,
  emit: (x: number, y0: number, y1: number) => void,
): void {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let yBest = ry;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < yBest) {
      emit(p[0] as number, y, yBest);
      yBest = y;
    }
  }
}
