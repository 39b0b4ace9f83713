import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront } from '../../../src/plot/pareto.js';

/** The definition, as the SQL view states it: no other point is ≥ on both and > on one. O(n²). */
function naiveFront(points: [number, number][]): number[] {
  return points
    .map((p, i) => i)
    .filter((i) => {
      const [x, y] = points[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
      return !points.some(([bx, by], j) => j !== i && Number.isFinite(bx) && Number.isFinite(by) && bx >= x && by >= y && (bx > x || by > y));
    })
    .sort((a, b) => points[a]![0] - points[b]![0] || a - b);
}

describe('paretoFront', () => {
  it('keeps the non-dominated points of a hand-computed case, sorted by x', () => {
    // (1, .9) (2, .8) (3, .5) are the front; (2, .7) and (1, .6) are dominated.
    expect(paretoFront([[2, 0.7], [1, 0.9], [3, 0.5], [2, 0.8], [1, 0.6]])).toEqual([1, 3, 2]);
  });

  it('keeps equal points all (as the SQL view) and drops non-finite ones', () => {
    expect(paretoFront([[1, 1], [1, 1], [NaN, 2], [0.5, Infinity]])).toEqual([0, 1]);
  });

  it('matches the O(n²) definition on random points with many ties', () => {
    const pt = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }));
    fc.assert(fc.property(fc.array(pt, { maxLength: 60 }), (pts) => {
      expect(paretoFront(pts)).toEqual(naiveFront(pts));
    }), { numRuns: 300 });
  });
});
