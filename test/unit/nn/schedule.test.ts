import { describe, expect, it } from 'vitest';
import { finalLr, lrAt, type BaseSchedule, type LrSchedule } from '../../../src/nn/index.js';

/** Per-epoch table of a schedule. */
const table = (s: LrSchedule, baseLr: number, epochs: number): number[] =>
  Array.from({ length: epochs }, (_, e) => lrAt(s, e, baseLr, epochs));

/** Expected table from `[value, fromEpoch, toEpoch)` runs. */
const runs = (...r: [number, number, number][]): number[] => r.flatMap(([v, a, b]) => Array<number>(b - a).fill(v));

// AC-12: original 0.1 on [0,80), 0.01 on [80,120), 0.001 on [120,160); E_r = 40.
const original: BaseSchedule = { kind: 'piecewise', boundaries: [80, 120], values: [0.1, 0.01, 0.001] };

describe('lrAt', () => {
  it('AC-12 rule A compresses the original schedule into 40 epochs exactly', () => {
    const s: LrSchedule = { kind: 'lr-tracking', rule: 'A', original, originalEpochs: 160 };
    expect(table(s, 0.1, 40)).toEqual(runs([0.1, 0, 20], [0.01, 20, 30], [0.001, 30, 40]));
  });

  it('AC-12 rule B (L = 2) stretches the last two stages over 40 epochs exactly', () => {
    const s: LrSchedule = { kind: 'lr-tracking', rule: 'B', original, originalEpochs: 160 };
    expect(table(s, 0.1, 40)).toEqual(runs([0.01, 0, 20], [0.001, 20, 40]));
    expect(table({ ...s, tail: 2 }, 0.1, 40)).toEqual(table(s, 0.1, 40));
  });

  it('AC-12 with the original as a step schedule (base 0.1, gamma 0.1) gives the same values up to rounding', () => {
    const step: BaseSchedule = { kind: 'step', milestones: [80, 120], gamma: 0.1 };
    const a = table({ kind: 'lr-tracking', rule: 'A', original: step, originalEpochs: 160, originalLr: 0.1 }, 0.5, 40);
    const b = table({ kind: 'lr-tracking', rule: 'B', original: step, originalEpochs: 160, originalLr: 0.1 }, 0.5, 40);
    runs([0.1, 0, 20], [0.01, 20, 30], [0.001, 30, 40]).forEach((v, e) => expect(a[e]).toBeCloseTo(v, 12));
    runs([0.01, 0, 20], [0.001, 20, 40]).forEach((v, e) => expect(b[e]).toBeCloseTo(v, 12));
  });

  it('rule B with tail 1 keeps only the last stage and tail 3 equals rule A on a 3-stage schedule', () => {
    const b1 = table({ kind: 'lr-tracking', rule: 'B', original, originalEpochs: 160, tail: 1 }, 0.1, 40);
    expect(b1).toEqual(runs([0.001, 0, 40]));
    const b3 = table({ kind: 'lr-tracking', rule: 'B', original, originalEpochs: 160, tail: 3 }, 0.1, 40);
    expect(b3).toEqual(table({ kind: 'lr-tracking', rule: 'A', original, originalEpochs: 160 }, 0.1, 40));
  });

  it('step, constant and cosine schedules match hand-computed values', () => {
    expect(table({ kind: 'constant' }, 0.05, 3)).toEqual([0.05, 0.05, 0.05]);
    expect(table({ kind: 'step', milestones: [2, 4], gamma: 0.5 }, 0.8, 6)).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2]);
    const cos = table({ kind: 'cosine', minLr: 0.1 }, 1.1, 4);
    [1.1, 0.1 + 0.5 * (1 + Math.SQRT1_2), 0.6, 0.1 + 0.5 * (1 - Math.SQRT1_2)].forEach((v, e) =>
      expect(cos[e]).toBeCloseTo(v, 12),
    );
    expect(finalLr(original, 0.1, 160)).toBe(0.001);
  });

  it('rejects rule B on a cosine original and bad arguments with clear messages', () => {
    expect(() =>
      lrAt({ kind: 'lr-tracking', rule: 'B', original: { kind: 'cosine' }, originalEpochs: 10 }, 0, 0.1, 5),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: lrAt: LR tracking rule B needs a staged original schedule (step, piecewise or constant), got cosine]`,
    );
    expect(() => lrAt({ kind: 'constant' }, -1, 0.1, 5)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: lrAt: epoch = -1 is not an integer >= 0]`,
    );
    expect(() =>
      lrAt({ kind: 'piecewise', boundaries: [1], values: [1] }, 0, 0.1, 5),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: lrAt: values.length = 1 is not boundaries.length + 1 = 2]`);
  });
});
