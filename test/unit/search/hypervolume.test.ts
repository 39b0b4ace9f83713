import { describe, expect, it } from 'vitest';
import { dominatedBoxes, hypervolume, hypervolumeImprovement } from '../../../src/search/index.js';
import { Rng } from '../../../src/shared/rng.js';

/** Independent reference for integer points: count the unit cells of [0, ref) that some point dominates. */
function latticeVolume(points: number[][], ref: number[]): number {
  let count = 0;
  const cell = new Array<number>(ref.length).fill(0);
  const visit = (d: number): void => {
    if (d === ref.length) {
      if (points.some((p) => p.every((v, i) => v <= (cell[i] as number)))) count++;
      return;
    }
    for (let x = 0; x < (ref[d] as number); x++) {
      cell[d] = x;
      visit(d + 1);
    }
  };
  visit(0);
  return count;
}

function randomIntPoints(rng: Rng, n: number, dims: number, max: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => rng.int(max)));
}

describe('hypervolume', () => {
  it('hypervolume of one 2-D point is the box to the reference', () => {
    expect(hypervolume([[1, 2]], [4, 5])).toBe(3 * 3);
  });

  it('hypervolume of a 2-D staircase is the union of its boxes (hand-computed)', () => {
    // Boxes to (4, 4): [1,4]x[3,4] = 3, [2,4]x[2,4] = 4, [3,4]x[1,4] = 3; union = 3 + 2*1 + 1*1 = 6.
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(6);
  });

  it('hypervolume ignores dominated points and points outside the reference', () => {
    const front = [
      [1, 3],
      [3, 1],
    ];
    const base = hypervolume(front, [4, 4]);
    expect(base).toBe(3 + 3 - 1);
    expect(hypervolume([...front, [3, 3], [5, 0], [0, 4]], [4, 4])).toBe(base);
  });

  it('hypervolume of two 3-D points is the union of two boxes (hand-computed)', () => {
    // [0,2]^3 from (0,0,0) = 8; (1,1,-1)..(2,2,2): 1*1*3 = 3, overlap with the first box 1*1*2 = 2 -> 8 + 3 - 2 = 9.
    expect(
      hypervolume(
        [
          [0, 0, 0],
          [1, 1, -1],
        ],
        [2, 2, 2],
      ),
    ).toBe(9);
  });

  it('hypervolume in 1-D is the distance from the best point to the reference', () => {
    expect(hypervolume([[3], [1], [2]], [5])).toBe(4);
  });

  it.each([2, 3])('hypervolume of random integer %i-D point sets equals the lattice cell count', (dims) => {
    const rng = new Rng(dims * 101);
    for (let trial = 0; trial < 30; trial++) {
      const ref = Array.from({ length: dims }, () => 6 + rng.int(5));
      const pts = randomIntPoints(rng, 1 + rng.int(12), dims, 10);
      expect(hypervolume(pts, ref)).toBe(latticeVolume(pts, ref));
    }
  });

  it.each([1, 2, 3])(
    'dominatedBoxes of random %i-D point sets are disjoint lattice boxes, and hypervolumeImprovement(y) = HV(P + y) - HV(P)',
    (dims) => {
      const rng = new Rng(dims * 7);
      for (let trial = 0; trial < 30; trial++) {
        const ref = Array.from({ length: dims }, () => 6 + rng.int(5));
        const pts = randomIntPoints(rng, 1 + rng.int(12), dims, 10);
        const boxes = dominatedBoxes(pts, ref);
        // Disjoint: every lattice cell of [0, ref) lies in at most one box, and the dominated ones in exactly one.
        const inBoxes = (cell: number[]) =>
          Array.from({ length: boxes.count }, (_, b) => b).filter((b) =>
            cell.every((x, d) => x >= boxes.lower[b * dims + d]! && x + 1 <= boxes.upper[b * dims + d]!),
          ).length;
        const cell = randomIntPoints(rng, 20, dims, 10).filter((c) => c.every((x, d) => x < ref[d]!));
        for (const c of cell) expect(inBoxes(c)).toBe(pts.some((p) => p.every((v, d) => v <= c[d]!)) ? 1 : 0);
        const y = Array.from({ length: dims }, () => rng.int(10));
        expect(hypervolumeImprovement(y, boxes, ref)).toBe(hypervolume([...pts, y], ref) - hypervolume(pts, ref));
      }
    },
  );

  it('hypervolume rejects 4 objectives and mismatched or non-finite points', () => {
    expect(() => hypervolume([[0, 0, 0, 0]], [1, 1, 1, 1])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: hypervolume: reference.length = 4 is not 1, 2 or 3 (exact algorithms implemented)]`,
    );
    expect(() => hypervolume([[0, 0, 0]], [1, 1])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: hypervolume: point length = 3 is not 2 (the reference's length)]`,
    );
    expect(() => hypervolume([[0, Number.NaN]], [1, 1])).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: hypervolume: point = [0, NaN] is not finite]`,
    );
  });
});
