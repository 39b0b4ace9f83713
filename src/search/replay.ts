/**
 * Replaying a search log: every recorded decision is recomputed from the events before it and compared with
 * what was recorded. A mismatch means the strategy code or its options changed since the sweep ran (or the
 * log was not written in decision order), so the sweep's history can no longer be trusted to repeat.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pruner, Sampler, SearchLog } from './strategy.js';

export interface ReplayMismatch {
  /** Index of the event in the log. */
  seq: number;
  trial: number;
  recorded: unknown;
  recomputed: unknown;
}

/**
 * Recomputes each `proposed` event with `sampler` and each `reported` event with `pruner` (without a pruner a
 * report must not have stopped its trial) from the log prefix before it. O(events²): a verification tool.
 * @returns the mismatches, in log order; empty when the log replays exactly
 */
export function replayLog(log: SearchLog, sampler: Sampler, pruner?: Pruner): ReplayMismatch[] {
  const out: ReplayMismatch[] = [];
  log.forEach((e, seq) => {
    if (e.kind === 'finished') return;
    const before = log.slice(0, seq);
    if (e.kind === 'proposed') {
      const recorded = { candidate: e.candidate, generation: e.generation };
      const recomputed = sampler.propose(before);
      if (!isDeepStrictEqual(recorded, recomputed)) out.push({ seq, trial: e.trial, recorded, recomputed });
      return;
    }
    const recorded = { stop: e.stop, rungs: e.rungs };
    const recomputed = pruner
      ? pruner.decide(before, { trial: e.trial, step: e.step, value: e.value })
      : { stop: false, rungs: [] };
    if (!isDeepStrictEqual(recorded, recomputed)) out.push({ seq, trial: e.trial, recorded, recomputed });
  });
  return out;
}
