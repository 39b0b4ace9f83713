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
 * The per-coordinate map of `points` onto [0, 1] by their range (lowest -> 0, highest -> 1; a coordinate
 * with a single value maps to 0): `scale(v, d)` for value v of coordinate d.
 * @param points `[N][M]` (N >= 1 for a finite map)
 */
export function rangeScale(points: readonly (readonly number[])[]): (v: number, d: number) => number {
  const m = points[0]?.length ?? 0;
  const lo = Array.from({ length: m }, (_, d) => Math.min(...points.map((p) => p[d] as number)));
  const hi = Array.from({ length: m }, (_, d) => Math.max(...points.map((p) => p[d] as number)));
  return (v, d) => (v - (lo[d] as number)) / ((hi[d] as number) - (lo[d] as number) || 1);
}

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
  const scale = rangeScale(basis.map((s) => s.point));
  const normalise = (p: readonly number[]): number[] => d.map((k) => scale(p[k] as number, k));
  const reference = d.map(() => FRONT_REFERENCE);
  return (ids) => {
    const feasible = [...new Set(ids)].filter((i) => (universe[i]?.penalty ?? 1) <= 0);
    const pts = feasible.map((i) => normalise(universe[i]?.point ?? []));
    return { hv: hypervolume(pts, reference), front: new Set(paretoFront(pts).map((k) => feasible[k] as number)) };
  };
}

/** The shares bench:search and compare-fronts report, of one subset: all objectives, the first two, feasible range. */
export interface FrontReport {
  /** All objectives, normalised by the universe's range. */
  hv: number;
  /** The first two objectives only (accuracy vs speedup in the examples). */
  hv2: number;
  /** All objectives, normalised by the range of the universe's feasible points. */
  hvFeasibleRange: number;
  /** The subset's front (all objectives). */
  front: Set<number>;
}

/** `frontMeasure` three ways over one universe (see {@link FrontReport}). */
export function frontReport(universe: readonly ScoredPoint[]): (ids: Iterable<number>) => FrontReport {
  const all = frontMeasure(universe);
  const two = frontMeasure(universe, { dims: [0, 1] });
  const feasible = frontMeasure(universe, { range: 'feasible' });
  return (ids) => {
    const list = [...ids];
    const a = all(list);
    return { hv: a.hv, hv2: two(list).hv, hvFeasibleRange: feasible(list).hv, front: a.front };
  };
}
