import { describe, expect, it } from 'vitest';
import { trainingHeartbeatTimeoutMs } from '../../../workflows/shared.js';

describe('trainingHeartbeatTimeoutMs: about one epoch or the floor, whichever is longer', () => {
  it.each([
    [30_000, null, 30_000], // nothing measured: the floor
    [30_000, 2_000, 30_000], // short epochs: the floor
    [30_000, 20_000, 30_000], // 1.5 x 20 s = 30 s: equal
    [30_000, 50_000, 75_000], // long epochs: 1.5 epochs
    [3_000, 2_001, 3_002], // rounded up to whole milliseconds
  ])('floor %i ms, epoch %s ms -> %i ms', (floor, epoch, expected) => {
    expect(trainingHeartbeatTimeoutMs(floor, epoch)).toBe(expected);
  });
});
