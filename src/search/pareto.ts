/**
 * Pareto ranking for multi-objective search, in the minimisation convention (callers negate maximised
 * objectives): domination, constrained domination (Deb et al. 2002), fast non-dominated sort and crowding
 * distance. Points are `[objective]` vectors of one length; penalties are total constraint violations (0 = feasible).
 */

/** `a` dominates `b`: no worse in every objective and better in at least one (minimisation). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/**
 * Constrained domination (Deb 2002, Optuna's `_constrained_dominates`): a feasible point (penalty 0) dominates
 * an infeasible one; of two infeasible points the smaller penalty dominates; two feasible points compare by `dominates`.
 */
export function constrainedDominates(a: readonly number[], pa: number, b: readonly number[], pb: number): boolean {
  const fa = pa <= 0;
  const fb = pb <= 0;
  if (fa && fb) return dominates(a, b);
  if (fa) return true;
  if (fb) return false;
  return pa < pb;
}

/**
 * Non-domination rank of every point (0 = the Pareto front), by Deb's fast non-dominated sort, O(M·N²).
 * With `penalties`, feasible points are ranked first among themselves; infeasible ones follow, ranked by
 * penalty alone (equal penalties share a rank), as Optuna's `_fast_non_domination_rank` does.
 * @param points `[N][M]`, minimisation
 * @param penalties `[N]`, total constraint violation (≤ 0 = feasible); omitted = all feasible
 */
export function nonDominatedRanks(points: readonly (readonly number[])[], penalties?: readonly number[]): number[] {
  const ranks = new Array<number>(points.length).fill(-1);
  const feasible: number[] = [];
  const infeasible: number[] = [];
  points.forEach((_, i) => ((penalties?.[i] ?? 0) <= 0 ? feasible : infeasible).push(i));
  const top = paretoRanks(feasible.map((i) => points[i] as readonly number[]));
  feasible.forEach((i, k) => (ranks[i] = top[k] as number));
  const offset = feasible.length === 0 ? 0 : Math.max(...top) + 1;
  const distinct = [...new Set(infeasible.map((i) => penalties?.[i] as number))].sort((x, y) => x - y);
  const rankOf = new Map(distinct.map((p, k) => [p, offset + k]));
  for (const i of infeasible) ranks[i] = rankOf.get(penalties?.[i] as number) as number;
  return ranks;
}

function paretoRanks(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = points.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const pi = points[i] as readonly number[];
      const pj = points[j] as readonly number[];
      if (dominates(pi, pj)) {
        dominating[i]?.push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (dominates(pj, pi)) {
        dominating[j]?.push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  const ranks = new Array<number>(n).fill(0);
  let front = [...Array(n).keys()].filter((i) => dominatedBy[i] === 0);
  for (let r = 0; front.length > 0; r++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = r;
      for (const j of dominating[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    front = next;
  }
  return ranks;
}

/**
 * Crowding distance of each point within one front, Optuna's variant of Deb's: per objective, sort by value;
 * the distance adds `(next - previous) / (max - min)`, where the neighbours of the extreme points are ∓∞
 * (so extremes get +∞) and an objective whose values are all equal adds nothing.
 * @param points `[N][M]` (one front)
 * @returns `[N]` distances; larger = less crowded
 */
export function crowdingDistances(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const out = new Array<number>(n).fill(0);
  if (n === 0) return out;
  const m = (points[0] as readonly number[]).length;
  for (let o = 0; o < m; o++) {
    const v = (i: number): number => (points[i] as readonly number[])[o] as number;
    const order = [...Array(n).keys()].sort((a, b) => v(a) - v(b) || a - b);
    const lo = v(order[0] as number);
    const hi = v(order[n - 1] as number);
    if (lo === hi) continue;
    const width = hi - lo;
    for (let k = 0; k < n; k++) {
      const prev = k === 0 ? -Infinity : v(order[k - 1] as number);
      const next = k === n - 1 ? Infinity : v(order[k + 1] as number);
      const i = order[k] as number;
      out[i] = (out[i] as number) + (prev === next ? 0 : (next - prev) / width);
    }
  }
  return out;
}

/**
 * The `size` best points by (rank, then crowding distance within the last admitted rank, larger first), as
 * NSGA-II's elite selection. Ties keep input order, so the result is deterministic.
 * @returns indices into `points`, best first by rank
 */
export function eliteIndices(
  points: readonly (readonly number[])[],
  penalties: readonly number[] | undefined,
  size: number,
): number[] {
  const ranks = nonDominatedRanks(points, penalties);
  const byRank = new Map<number, number[]>();
  ranks.forEach((r, i) => {
    const members = byRank.get(r);
    if (members) members.push(i);
    else byRank.set(r, [i]);
  });
  const out: number[] = [];
  for (const r of [...byRank.keys()].sort((a, b) => a - b)) {
    const members = byRank.get(r) as number[];
    if (out.length + members.length <= size) {
      out.push(...members);
      continue;
    }
    const d = crowdingDistances(members.map((i) => points[i] as readonly number[]));
    const order = members.map((i, k) => ({ i, d: d[k] as number, k })).sort((a, b) => b.d - a.d || a.k - b.k);
    out.push(...order.slice(0, size - out.length).map((x) => x.i));
    break;
  }
  return out;
}

/** Indices of the feasible points of rank 0 (the Pareto front of the feasible points), in input order; [] when none is feasible. */
export function paretoFront(points: readonly (readonly number[])[], penalties?: readonly number[]): number[] {
  const ranks = nonDominatedRanks(points, penalties);
  return ranks.flatMap((r, i) => (r === 0 && (penalties?.[i] ?? 0) <= 0 ? [i] : []));
}
