/**
 * Asynchronous successive halving (ASHA, Li et al., MLSys 2020) as a stopping rule over retraining epochs,
 * the rule of Optuna's `SuccessiveHalvingPruner`. Rung k ends at `minResource · η^(s + k)` epochs
 * (η = `reductionFactor`, s = `minEarlyStoppingRate`). A trial that reaches the end of rung k records its
 * value there and goes on only if that value is among the best ⌊n/η⌋ of the n values recorded at rung k so
 * far (its own included); while n < η, only if it is the best of them. Otherwise it stops at that rung.
 * Decisions depend on the order in which trials reach a rung, and on nothing else.
 */
import type { z } from 'zod';
import { num, strictObj } from '../../spec/zod-helpers.js';
import { readLog } from '../log.js';
import { epochMetricOptions, watchedMetric } from '../metrics.js';
import type { Direction, PruneDecision, Pruner, PrunerDefinition, Report, SearchLog } from '../strategy.js';

const ashaOptions = strictObj({
  ...epochMetricOptions,
  minResource: num({ min: 1, max: 1000, int: true }).default(1),
  reductionFactor: num({ min: 2, max: 100, int: true }).default(3),
  minEarlyStoppingRate: num({ min: 0, max: 20, int: true }).default(0),
  bootstrapCount: num({ min: 0, max: 1_000_000, int: true }).default(0),
}).transform((o) => ({ ...o, ...watchedMetric(o) }));
export type AshaOptions = z.output<typeof ashaOptions>;

/** Step (epochs completed) at which rung `rung` ends. */
export function rungStep(
  o: Pick<AshaOptions, 'minResource' | 'reductionFactor' | 'minEarlyStoppingRate'>,
  rung: number,
): number {
  return o.minResource * o.reductionFactor ** (o.minEarlyStoppingRate + rung);
}

/**
 * Whether `value` is promotable among `competing` (which includes it), Optuna's `_is_trial_promotable_to_next_rung`:
 * within the best ⌊n/η⌋ values, or the best one while n < η.
 */
export function promotable(
  value: number,
  competing: readonly number[],
  reductionFactor: number,
  direction: Direction,
): boolean {
  const sorted = [...competing].sort((a, b) => a - b);
  const k = Math.max(Math.floor(sorted.length / reductionFactor) - 1, 0);
  return direction === 'maximize' ? value >= (sorted[sorted.length - 1 - k] as number) : value <= (sorted[k] as number);
}

export function createAshaPruner(o: AshaOptions): Pruner {
  return {
    name: 'asha',
    metric: o.metric,
    direction: o.direction,
    checkpoints(maxStep: number): number[] {
      const out: number[] = [];
      for (let k = 0; rungStep(o, k) < maxStep; k++) out.push(rungStep(o, k));
      return out;
    },
    decide(log: SearchLog, report: Report): PruneDecision {
      const atRung = new Map<number, number[]>();
      let rung = 0;
      for (const r of readLog(log).reports) {
        if (r.trial === report.trial) rung += r.rungs.length;
        if (r.value === null) continue;
        for (const k of r.rungs) {
          const values = atRung.get(k);
          if (values) values.push(r.value);
          else atRung.set(k, [r.value]);
        }
      }
      const rungs: number[] = [];
      for (;;) {
        if (report.step < rungStep(o, rung)) return { stop: false, rungs };
        if (report.value === null) return { stop: true, rungs };
        rungs.push(rung);
        const competing = [...(atRung.get(rung) ?? []), report.value];
        if (competing.length <= o.bootstrapCount) return { stop: true, rungs };
        if (!promotable(report.value, competing, o.reductionFactor, o.direction)) return { stop: true, rungs };
        rung++;
      }
    },
  };
}

export const asha: PrunerDefinition<AshaOptions> = {
  name: 'asha',
  summary: 'asynchronous successive halving: at each rung only the top 1/reductionFactor of the trials go on',
  optionKeys: Object.keys(ashaOptions.in.shape),
  options: ashaOptions,
  create: createAshaPruner,
  describe(o, maxStep) {
    const steps = createAshaPruner(o).checkpoints(maxStep);
    const where = steps.length
      ? `rungs at epochs ${steps.join(', ')} of ${maxStep}`
      : `no rung before epoch ${maxStep}`;
    return (
      `asha on ${o.metric} (${o.direction}): ${where}; ` +
      `a trial goes on past a rung only if its value is in the top 1/${o.reductionFactor} of those recorded there so far`
    );
  },
};
