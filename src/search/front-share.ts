/**
 * How much of a reference set's Pareto front a subset finds: the hypervolume of the subset's feasible points
 * with every objective normalised to [0, 1] by its range over the whole reference set (the grid) and the
 * reference point at 1.1 in each. bench:search and `scripts/compare-fronts.ts` (real sweeps) report it.
 */
import { hypervolume } from './hypervolume.js';
import { paretoFront } from './pareto.js';

/** A scored configuration (as `score` returns): minimisation vector and constraint violation (0 = feasible). */
export interface ScoredPoint {
  point: readonly number[];
  penalty: number;
}

export interface FrontMeasure {
  /** Normalised hypervolume of the feasible points. */
  hv: number;
  /** Indices (into the universe) of the feasible points on the subset's front. */
  front: Set<number>;
}

/** Normalisation and reference point used by every front comparison. */
export const FRONT_REFERENCE = 1.1;

/**
 * A measure over subsets of `universe`, on the objectives `dims` (indices into `point`; default all). `range`:
 * normalise by the range over every point of the universe (`all`, the default: bench:search's convention) or
 * over its feasible points only (`feasible`: then an objective the constraint narrows, like accuracy under
 * `accuracyDrop <= 0.02`, spans [0, 1] too instead of a sliver of it, and counts as much as the others).
 * @returns `measure(ids)`: hypervolume and front of the feasible members of `ids` (duplicates ignored)
 */
export function frontMeasure(
  universe: readonly ScoredPoint[],
  opts: { dims?: readonly number[]; range?: 'all' | 'feasible' } = {},
): (ids: Iterable<number>) => FrontMeasure {
  const d = opts.dims ?? (universe[0]?.point.map((_, i) => i) ?? []);
  const basis = opts.range === 'feasible' ? universe.filter((s) => s.penalty <= 0) : universe;
  const lo = d.map((k) => Math.min(...basis.map((s) => s.point[k] as number)));
  const hi = d.map((k) => Math.max(...basis.map((s) => s.point[k] as number)));
  const normalise = (p: readonly number[]): number[] => d.map((k, j) => ((p[k] as number) - (lo[j] as number)) / ((hi[j] as number) - (lo[j] as number) || 1));
  const reference = d.map(() => FRONT_REFERENCE);
  return (ids) => {
    const feasible = [...new Set(ids)].filter((i) => (universe[i]?.penalty ?? 1) <= 0);
    const pts = feasible.map((i) => normalise(universe[i]?.point ?? []));
    return { hv: hypervolume(pts, reference), front: new Set(paretoFront(pts).map((k) => feasible[k] as number)) };
  };
}
