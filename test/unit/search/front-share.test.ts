import { describe, expect, it } from 'vitest';
import { frontMeasure, frontReport, rangeScale } from '../../../src/search/index.js';

describe('frontMeasure', () => {
  // Minimisation; objective 1 spans [0, 2] over the universe, so it is halved by the normalisation.
  const universe = [
    { point: [0, 2], penalty: 0 },
    { point: [1, 0], penalty: 0 },
    { point: [0.5, 1], penalty: 0 },
    { point: [0, 0], penalty: 0.3 }, // infeasible: sets the range, never counts
    { point: [0.9, 1.8], penalty: 0 }, // dominated by [0.5, 1]
  ];

  it('normalises by the universe range and counts feasible points only (hand-computed areas, reference 1.1)', () => {
    const m = frontMeasure(universe);
    // Normalised: (0, 1), (1, 0), (0.5, 0.5): 1.1·0.1 + 0.6·0.5 + 0.1·0.5 = 0.46.
    expect(m([0, 1, 2, 3, 4]).hv).toBeCloseTo(0.46, 12);
    expect([...m([0, 1, 2, 3, 4]).front].sort()).toEqual([0, 1, 2]);
    expect(m([0]).hv).toBeCloseTo(1.1 * 0.1, 12);
    expect(m([3]).hv).toBe(0);
    expect(m([2, 2, 2]).hv).toBeCloseTo(0.6 * 0.6, 12); // duplicates ignored
  });

  it('measures on a subset of the objectives', () => {
    const m = frontMeasure(universe, { dims: [0] });
    expect(m([2, 4]).hv).toBeCloseTo(1.1 - 0.5, 12);
    expect([...m([0, 1, 2]).front]).toEqual([0]);
  });
});

describe('frontMeasure over the feasible range', () => {
  it('normalises by the feasible points only, so a narrow feasible band spans [0, 1]', () => {
    const u = [
      { point: [0, 0], penalty: 0 },
      { point: [0.1, 0], penalty: 0 },
      { point: [1, 5], penalty: 1 }, // infeasible: widens the full range only
    ];
    const full = frontMeasure(u, { dims: [0] });
    const feasible = frontMeasure(u, { dims: [0], range: 'feasible' });
    expect(full([1]).hv).toBeCloseTo(1.1 - 0.1, 12); // 0.1 of a range of 1
    expect(feasible([1]).hv).toBeCloseTo(1.1 - 1, 12); // the worst feasible value: 1 of a range of 0.1
    expect(feasible([0, 1]).hv).toBeCloseTo(1.1, 12);
  });
});

describe('rangeScale and frontReport', () => {
  it('rangeScale maps each coordinate onto [0, 1] by its range; a constant coordinate maps to 0', () => {
    const scale = rangeScale([
      [2, 5, 7],
      [4, 1, 7],
      [3, 3, 7],
    ]);
    expect([scale(2, 0), scale(3, 0), scale(4, 0), scale(5, 1), scale(1, 1), scale(7, 2), scale(9, 2)]).toEqual([0, 0.5, 1, 1, 0, 0, 2]);
  });

  it('frontReport gives frontMeasure three ways: all objectives, the first two, the feasible range', () => {
    const universe = [
      { point: [0, 2, 1], penalty: 0 },
      { point: [1, 0, 0], penalty: 0 },
      { point: [0.5, 1, 0.5], penalty: 0 },
      { point: [-1, -1, -1], penalty: 0.3 },
    ];
    const ids = [0, 2];
    const r = frontReport(universe)(ids);
    expect(r.hv).toBe(frontMeasure(universe)(ids).hv);
    expect(r.hv2).toBe(frontMeasure(universe, { dims: [0, 1] })(ids).hv);
    expect(r.hvFeasibleRange).toBe(frontMeasure(universe, { range: 'feasible' })(ids).hv);
    expect(r.hvFeasibleRange).not.toBe(r.hv); // the infeasible point widens only the full range
    expect([...r.front].sort()).toEqual([0, 2]);
  });
});
