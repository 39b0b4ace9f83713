import { checkArg, HwsweepError } from '../../errors.js';

/** A schedule that is not LR tracking (an "original" schedule for rules A and B). */
export type BaseSchedule =
  | { kind: 'constant' }
  /** `lr = baseLr * gamma^(number of milestones <= epoch)`. */
  | { kind: 'step'; milestones: number[]; gamma: number }
  /** `lr = minLr + (baseLr - minLr) * (1 + cos(pi * epoch / totalEpochs)) / 2`; minLr defaults to 0. */
  | { kind: 'cosine'; minLr?: number }
  /** Absolute LRs: `values[i]` on `[boundaries[i-1], boundaries[i])`; `values.length = boundaries.length + 1`. baseLr is ignored. */
  | { kind: 'piecewise'; boundaries: number[]; values: number[] };

/**
 * LR tracking (METHODS §6.3) for a retraining run of `totalEpochs` = E_r epochs, following the
 * original schedule `original` of `originalEpochs` = E_o epochs (run at base LR `originalLr`,
 * default: the retraining's baseLr).
 * - rule A: `lr_r(e) = lr_o(floor(e * E_o / E_r))`.
 * - rule B: keep the last `tail` (default 2) stages of the original step/piecewise/constant
 *   schedule and stretch them over E_r in proportion to their lengths:
 *   `lr_r(e) = lr_o(s + floor(e * (E_o - s) / E_r))`, s = start epoch of the tail.
 */
export type LrTracking = {
  kind: 'lr-tracking';
  rule: 'A' | 'B';
  original: BaseSchedule;
  originalEpochs: number;
  originalLr?: number;
  tail?: number;
};

export type LrSchedule = BaseSchedule | LrTracking;

/** Epochs at which the original schedule changes LR, inside `(0, epochs)`, ascending. */
function stageStarts(s: BaseSchedule, epochs: number): number[] {
  switch (s.kind) {
    case 'constant':
      return [0];
    case 'step':
      return [0, ...s.milestones.filter((m) => m > 0 && m < epochs)].sort((a, b) => a - b);
    case 'piecewise':
      return [0, ...s.boundaries.filter((m) => m > 0 && m < epochs)].sort((a, b) => a - b);
    case 'cosine':
      throw new HwsweepError(
        'INVALID_ARGUMENT',
        'lrAt: LR tracking rule B needs a staged original schedule (step, piecewise or constant), got cosine',
        {
          context: { param: 'original.kind', value: 'cosine' },
        },
      );
  }
}

/**
 * Learning rate of epoch `epoch` (0-based) of a run of `totalEpochs` epochs at base LR `baseLr`.
 * AC-12: original piecewise 0.1 / 0.01 / 0.001 with boundaries [80, 120], E_o = 160, E_r = 40:
 * rule A gives 0.1 on [0,20), 0.01 on [20,30), 0.001 on [30,40); rule B gives 0.01 on [0,20), 0.001 on [20,40).
 */
export function lrAt(schedule: LrSchedule, epoch: number, baseLr: number, totalEpochs: number): number {
  checkArg(Number.isInteger(epoch) && epoch >= 0, 'lrAt', 'epoch', epoch, 'an integer >= 0');
  checkArg(Number.isInteger(totalEpochs) && totalEpochs >= 1, 'lrAt', 'totalEpochs', totalEpochs, 'an integer >= 1');
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step': {
      checkArg(schedule.gamma > 0, 'lrAt', 'gamma', schedule.gamma, '> 0');
      const passed = schedule.milestones.filter((m) => m <= epoch).length;
      return baseLr * schedule.gamma ** passed;
    }
    case 'cosine': {
      const minLr = schedule.minLr ?? 0;
      return minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * epoch) / totalEpochs))) / 2;
    }
    case 'piecewise': {
      const { boundaries, values } = schedule;
      checkArg(
        values.length === boundaries.length + 1,
        'lrAt',
        'values.length',
        values.length,
        `boundaries.length + 1 = ${boundaries.length + 1}`,
      );
      const i = boundaries.filter((b) => b <= epoch).length;
      return values[i] ?? baseLr;
    }
    case 'lr-tracking': {
      const eo = schedule.originalEpochs;
      checkArg(Number.isInteger(eo) && eo >= 1, 'lrAt', 'originalEpochs', eo, 'an integer >= 1');
      const lrO = schedule.originalLr ?? baseLr;
      if (schedule.rule === 'A') return lrAt(schedule.original, Math.floor((epoch * eo) / totalEpochs), lrO, eo);
      const tail = schedule.tail ?? 2;
      checkArg(Number.isInteger(tail) && tail >= 1, 'lrAt', 'tail', tail, 'an integer >= 1');
      const starts = stageStarts(schedule.original, eo);
      const s = starts[Math.max(0, starts.length - tail)] ?? 0;
      return lrAt(schedule.original, s + Math.floor((epoch * (eo - s)) / totalEpochs), lrO, eo);
    }
  }
}

/** The last LR of a schedule: the plain fine-tuning baseline of METHODS §6.3 uses it as a constant LR. */
export function finalLr(schedule: LrSchedule, baseLr: number, totalEpochs: number): number {
  return lrAt(schedule, totalEpochs - 1, baseLr, totalEpochs);
}
