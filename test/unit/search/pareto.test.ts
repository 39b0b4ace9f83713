import { describe, expect, it } from 'vitest';
import {
  constrainedDominates,
  crowdingDistances,
  dominates,
  eliteIndices,
  nonDominatedRanks,
  paretoFront,
} from '../../../src/search/index.js';
import { Rng } from '../../../src/shared/rng.js';

/** Reference ranks by repeated peeling: rank r = points not dominated by any point left after removing ranks < r. */
function peelRanks(points: number[][]): number[] {
  const ranks = new Array<number>(points.length).fill(-1);
  let left = points.map((_, i) => i);
  for (let r = 0; left.length > 0; r++) {
    const front = left.filter((i) => !left.some((j) => dominates(points[j] as number[], points[i] as number[])));
    for (const i of front) ranks[i] = r;
    left = left.filter((i) => !front.includes(i));
  }
  return ranks;
}

describe('Pareto ranking', () => {
  it('dominates needs no worse everywhere and better somewhere', () => {
    expect(dominates([1, 2], [2, 2])).toBe(true);
    expect(dominates([2, 2], [2, 2])).toBe(false);
    expect(dominates([1, 3], [2, 2])).toBe(false);
  });

  it('constrainedDominates prefers feasible, then the smaller violation, then plain domination', () => {
    expect(constrainedDominates([9, 9], 0, [0, 0], 0.1)).toBe(true);
    expect(constrainedDominates([0, 0], 0.1, [9, 9], 0)).toBe(false);
    expect(constrainedDominates([9, 9], 0.1, [0, 0], 0.2)).toBe(true);
    expect(constrainedDominates([0, 0], 0, [1, 1], 0)).toBe(true);
    expect(constrainedDominates([0, 1], 0, [1, 0], 0)).toBe(false);
  });

  it('nonDominatedRanks gives fronts 0, 1, 2 on a hand-made set', () => {
    const pts = [
      [1, 4],
      [2, 2],
      [4, 1],
      [3, 3],
      [2, 5],
      [5, 5],
    ];
    expect(nonDominatedRanks(pts)).toEqual([0, 0, 0, 1, 1, 2]);
    expect(paretoFront(pts)).toEqual([0, 1, 2]);
  });

  it('nonDominatedRanks equals rank by peeling on random 3-objective sets with ties', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 40; t++) {
      const pts = Array.from({ length: 1 + rng.int(25) }, () => [rng.int(5), rng.int(5), rng.int(5)]);
      expect(nonDominatedRanks(pts)).toEqual(peelRanks(pts));
    }
  });

  it('nonDominatedRanks ranks infeasible points after the feasible ones, by violation', () => {
    const pts = [
      [0, 0],
      [5, 5],
      [1, 1],
      [6, 6],
      [0, 9],
    ];
    // Feasible: 1 (rank 0), 3 (rank 1); infeasible by penalty 0.1 (points 0 and 4) then 0.3 (point 2).
    expect(nonDominatedRanks(pts, [0.1, 0, 0.3, 0, 0.1])).toEqual([2, 0, 3, 1, 2]);
    expect(paretoFront(pts, [0.1, 0, 0.3, 0, 0.1])).toEqual([1]);
    expect(paretoFront(pts, [1, 1, 1, 1, 1])).toEqual([]);
  });

  it('crowdingDistances of a 2-D front (hand-computed, Optuna normalisation)', () => {
    // x sorted: 0, 1, 3, 4 (width 4); y: 4, 3, 1, 0 (width 4). Extremes are infinite; the two middle points
    // get (3 - 0)/4 + (4 - 1)/4 = 1.5 and (4 - 1)/4 + (3 - 0)/4 = 1.5.
    const d = crowdingDistances([
      [0, 4],
      [1, 3],
      [3, 1],
      [4, 0],
    ]);
    expect(d).toEqual([Infinity, 1.5, 1.5, Infinity]);
    expect(crowdingDistances([[1, 1]])).toEqual([0]);
    expect(
      crowdingDistances([
        [2, 0],
        [2, 1],
        [2, 3],
      ]),
    ).toEqual([Infinity, 1, Infinity]);
  });

  it('eliteIndices fills by rank and breaks the last rank by crowding distance', () => {
    const pts = [
      [0, 4],
      [1, 3],
      [1.5, 1.5],
      [4, 0],
      [2, 2.5],
      [5, 5],
    ];
    // Rank 0: 0, 1, 2, 3 (4 points) -> size 3 keeps the two extremes and the less crowded middle point.
    // Middle distances: point 1: (1.5 - 0)/4 + (4 - 1.5)/4 = 1; point 2: (4 - 1)/4 + (3 - 0)/4 = 1.5.
    expect(eliteIndices(pts, undefined, 3)).toEqual([0, 3, 2]);
    expect(eliteIndices(pts, undefined, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(eliteIndices(pts, [0, 0, 0, 1, 0, 0], 4)).toEqual([0, 1, 2, 4]);
  });
});
