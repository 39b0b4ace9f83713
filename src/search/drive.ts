/**
 * An in-process orchestrator for strategies: runs a sampler (and a pruner) against a cheap evaluation function
 * with `parallel` slots, writing the event log exactly as the sweep workflow must (same event kinds, same
 * order rules). Benchmarks and tests use it; it is also the reference for what the workflow does.
 */
import type { Pruner, Sampler, SearchEvent } from './strategy.js';

/** What one trial yields: its per-epoch metric and its final objective values. */
export interface Evaluation {
  /** The pruner's metric after each retraining epoch: `curve[e - 1]` at step e (null = not finite). */
  curve: readonly (number | null)[];
  /** Objective values by key when the trial completes; null = the trial failed. */
  values: Readonly<Record<string, number>> | null;
}

export interface DriveResult {
  log: SearchEvent[];
  /** Retraining epochs spent over all trials (a stopped trial counts the epochs it ran). */
  epochs: number;
  /** Epochs the same trials would have spent without stopping. */
  epochsWithoutStopping: number;
  /** Slot-time units until the last trial ended (every epoch takes one unit; all slots run at once). */
  makespan: number;
}

/**
 * Runs a search to its end. Time advances in epochs: each unit, every running trial (in trial-number order)
 * completes one epoch; at a pruner checkpoint it reports and is stopped or goes on; after its last epoch it
 * finishes with its values. Free slots are refilled at the start of each unit, in trial order. A trial with an
 * empty curve finishes in the unit it starts (nothing to retrain).
 * @param evaluate called once per proposed candidate, with the trial number
 */
export function driveSearch(
  sampler: Sampler,
  pruner: Pruner | undefined,
  evaluate: (candidate: number, trial: number) => Evaluation,
  opts: { parallel: number },
): DriveResult {
  const log: SearchEvent[] = [];
  const running: { trial: number; ev: Evaluation; step: number; checkpoints: Set<number> }[] = [];
  let proposed = 0;
  let exhausted = false;
  let epochs = 0;
  let epochsWithoutStopping = 0;
  let time = 0;
  while (!exhausted || running.length > 0) {
    while (!exhausted && running.length < opts.parallel) {
      const p = sampler.propose(log);
      if (p === null) {
        exhausted = true;
        break;
      }
      const trial = proposed++;
      log.push({ kind: 'proposed', trial, ...p });
      const ev = evaluate(p.candidate, trial);
      epochsWithoutStopping += ev.curve.length;
      running.push({ trial, ev, step: 0, checkpoints: new Set(pruner?.checkpoints(ev.curve.length) ?? []) });
    }
    if (running.length === 0) break;
    time++;
    for (const r of [...running]) {
      let done = r.step >= r.ev.curve.length;
      if (!done) {
        r.step++;
        epochs++;
        if (pruner && r.checkpoints.has(r.step)) {
          const value = r.ev.curve[r.step - 1] ?? null;
          const d = pruner.decide(log, { trial: r.trial, step: r.step, value });
          log.push({ kind: 'reported', trial: r.trial, step: r.step, value, ...d });
          if (d.stop) {
            log.push({ kind: 'finished', trial: r.trial, state: 'stopped', values: null });
            running.splice(running.indexOf(r), 1);
            continue;
          }
        }
        done = r.step >= r.ev.curve.length;
      }
      if (done) {
        const values = r.ev.values;
        log.push({ kind: 'finished', trial: r.trial, state: values === null ? 'failed' : 'completed', values });
        running.splice(running.indexOf(r), 1);
      }
    }
  }
  return { log, epochs, epochsWithoutStopping, makespan: time };
}
