/**
 * The discrete search space of a sweep: its valid trial configurations (the grid after collapsing and
 * rejection, in expansion order) seen as points of categorical axes, for samplers that breed or mutate.
 */
import { HwsweepError } from '../errors.js';
import type { Rng } from '../shared/rng.js';
import { canonicalJson } from '../spec/hash.js';
import type { TrialConfig } from '../spec/types.js';

/** A parameter that varies across the candidates, with its distinct values as canonical JSON. */
export interface Axis {
  /** The `TrialConfig` field, e.g. `pruneRatio`, `weightBits`, `retrain` (varies by LR rule). */
  name: string;
  /** Distinct values in order of first appearance; `null` (not applicable) is a value like any other. */
  values: readonly string[];
}

export interface Candidate {
  /** The trial's `configHash` (its identity within a sweep). */
  configHash: string;
  /** `genes[a]` indexes `axes[a].values`. */
  genes: readonly number[];
}

export interface SearchSpace {
  /** Candidates in expansion order: candidate i is the i-th trial of the grid expansion. */
  candidates: readonly Candidate[];
  axes: readonly Axis[];
  /** `genes.join(',')` -> candidate index. */
  byGenes: ReadonlyMap<string, number>;
}

/** Fields derived from others or identities: not axes of their own. */
const NOT_AXES: ReadonlySet<string> = new Set(['configHash', 'baselineKey', 'nominalRatio']);

/**
 * The space spanned by `trials` (all valid trials of a spec, in expansion order: `expandSpec` of the spec
 * with `strategy: grid`). Axes are the `TrialConfig` fields whose value differs between trials, except those
 * whose value follows from another axis (of two fields that determine each other, the first is kept); fields
 * that do not apply to a trial (null) form their own value, so `method: none` has `pruneRatio` null.
 * @throws HwsweepError INVALID_ARGUMENT when two trials share a configHash or all their axis values.
 */
export function buildSpace(trials: readonly TrialConfig[]): SearchSpace {
  const fields = trials.length === 0 ? [] : Object.keys(trials[0] as object).filter((k) => !NOT_AXES.has(k));
  const varying = fields
    .map((name) => ({
      name,
      column: trials.map((t) => canonicalJson((t as unknown as Record<string, unknown>)[name])),
    }))
    .filter((f) => new Set(f.column).size > 1);
  // A field whose value follows from another axis's value (groupSize from method, when only group-balanced
  // has one) is no axis of its own: as a gene it would only let mutation and crossover build invalid children.
  const kept = varying.filter(
    (f, i) =>
      !varying.some((g, j) => j !== i && (j < i || !determines(f.column, g.column)) && determines(g.column, f.column)),
  );
  const axes: Axis[] = kept.map((f) => ({ name: f.name, values: [...new Set(f.column)] }));
  const index = axes.map((a) => new Map(a.values.map((v, i) => [v, i])));
  const byGenes = new Map<string, number>();
  const hashes = new Set<string>();
  const candidates = trials.map((t, i): Candidate => {
    const genes = kept.map((f, a) => index[a]?.get(f.column[i] as string) as number);
    const key = genes.join(',');
    if (hashes.has(t.configHash) || byGenes.has(key)) {
      throw new HwsweepError('INVALID_ARGUMENT', `buildSpace: trial ${i} (${t.configHash}) repeats an earlier trial`, {
        context: { trial: i, configHash: t.configHash },
      });
    }
    hashes.add(t.configHash);
    byGenes.set(key, i);
    return { configHash: t.configHash, genes };
  });
  return { candidates, axes, byGenes };
}

/** Whether `a[i]` determines `b[i]` for every i (b is a function of a). */
function determines(a: readonly string[], b: readonly string[]): boolean {
  const seen = new Map<string, string>();
  for (let i = 0; i < a.length; i++) {
    const prev = seen.get(a[i] as string);
    if (prev === undefined) seen.set(a[i] as string, b[i] as string);
    else if (prev !== b[i]) return false;
  }
  return true;
}

/**
 * The candidate with these genes if it exists and is not `taken`; otherwise the untaken candidate nearest to
 * them, ties broken uniformly with `rng`. Undefined when every candidate is taken. This is the repair step of
 * evolutionary samplers: a child can land on a combination the grid rejected or collapsed, or on a
 * configuration that already ran. Distance: the number of differing axes (Hamming); with `orders` (from
 * `ordinalOrder`, per axis), a differing ordered axis counts the steps between the two values instead of 1,
 * so weight bits 8 -> 6 is nearer than 8 -> 3 (`null`, outside the order, is 1 step from any value).
 */
export function nearestCandidate(
  space: SearchSpace,
  genes: readonly number[],
  taken: ReadonlySet<number>,
  rng: Rng,
  orders?: readonly (readonly number[] | null)[],
): number | undefined {
  const exact = space.byGenes.get(genes.join(','));
  if (exact !== undefined && !taken.has(exact)) return exact;
  let best: number | undefined;
  let bestDistance = Infinity;
  let ties = 0;
  space.candidates.forEach((c, i) => {
    if (taken.has(i)) return;
    let d = 0;
    for (let a = 0; a < genes.length && d <= bestDistance; a++)
      d += axisDistance(a, c.genes[a] as number, genes[a] as number, orders);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
      ties = 1;
    } else if (d === bestDistance && rng.int(++ties) === 0) {
      best = i; // reservoir sampling: each of the tied candidates is kept with probability 1/ties
    }
  });
  return best;
}

/** A uniformly random candidate index in `[0, size)` that is not `taken`; undefined when every one is taken. */
export function randomUntried(size: number, taken: ReadonlySet<number>, rng: Rng): number | undefined {
  let j = rng.int(size - taken.size);
  for (let i = 0; i < size; i++) {
    if (taken.has(i)) continue;
    if (j-- === 0) return i;
  }
  return undefined;
}

/**
 * The value indices of an ordered axis, ascending by value, or null for a categorical axis. An axis is
 * ordered when its values other than `null` are at least two numbers (bit widths, prune ratios); `null`
 * (not applicable) stays outside the order, so it is in the result of no ordered axis.
 */
export function ordinalOrder(axis: Axis): number[] | null {
  const numeric: [value: number, index: number][] = [];
  for (const [i, v] of axis.values.entries()) {
    const x: unknown = JSON.parse(v);
    if (x === null) continue;
    if (typeof x !== 'number') return null;
    numeric.push([x, i]);
  }
  return numeric.length < 2 ? null : numeric.sort((a, b) => a[0] - b[0]).map(([, i]) => i);
}

/** Distance between values `x` and `y` of axis `a` (see `nearestCandidate`). */
function axisDistance(a: number, x: number, y: number, orders?: readonly (readonly number[] | null)[]): number {
  if (x === y) return 0;
  const order = orders?.[a];
  if (!order) return 1;
  const i = order.indexOf(x);
  const j = order.indexOf(y);
  return i < 0 || j < 0 ? 1 : Math.abs(i - j);
}
