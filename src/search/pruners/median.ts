/**
 * Median stopping rule (Golovin et al., Google Vizier, KDD 2017), as Optuna's `MedianPruner` applies it: a
 * trial stops at a checked step when its best value so far is worse than the median of the values that
 * *completed* trials reported at that same step. Nothing stops before `startupTrials` trials completed, before
 * `warmupSteps`, or when fewer than `minTrials` completed trials reported at the step. Checks happen at
 * steps `warmupSteps + j·intervalSteps` (the first report in each interval, as Optuna's `interval_steps`).
 */
import type { z } from 'zod';
import { num, strictObj } from '../../spec/zod-helpers.js';
import { readLog } from '../log.js';
import { epochMetricOptions, watchedMetric } from '../metrics.js';
import {
  better,
  type PruneDecision,
  type Pruner,
  type PrunerDefinition,
  type Report,
  type SearchLog,
} from '../strategy.js';

const medianOptions = strictObj({
  ...epochMetricOptions,
  startupTrials: num({ min: 0, max: 1_000_000, int: true }).default(5),
  warmupSteps: num({ min: 0, max: 1000, int: true }).default(0),
  intervalSteps: num({ min: 1, max: 1000, int: true }).default(1),
  minTrials: num({ min: 1, max: 1_000_000, int: true }).default(1),
}).transform((o) => ({ ...o, ...watchedMetric(o) }));
export type MedianOptions = z.output<typeof medianOptions>;

/** Median of a non-empty list (mean of the two middle values for an even count, as numpy's 50th percentile). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return ((s[Math.floor(mid)] as number) + (s[Math.ceil(mid)] as number)) / 2;
}

export function createMedianPruner(o: MedianOptions): Pruner {
  const keep: PruneDecision = { stop: false, rungs: [] };
  return {
    name: 'median',
    metric: o.metric,
    direction: o.direction,
    checkpoints(maxStep: number): number[] {
      const out: number[] = [];
      for (let s = Math.max(1, o.warmupSteps); s < maxStep; s++)
        if ((s - o.warmupSteps) % o.intervalSteps === 0) out.push(s);
      return out;
    },
    decide(log: SearchLog, report: Report): PruneDecision {
      const { finished, reports } = readLog(log);
      const completed = new Set([...finished.values()].filter((f) => f.state === 'completed').map((f) => f.trial));
      if (completed.size === 0 || completed.size < o.startupTrials || report.step < o.warmupSteps) return keep;
      const own = reports.filter((r) => r.trial === report.trial);
      // First report in its interval (Optuna's `_is_first_in_interval_step`).
      const lowerCheck = Math.floor((report.step - o.warmupSteps) / o.intervalSteps) * o.intervalSteps + o.warmupSteps;
      const previousStep = Math.max(-1, ...own.filter((r) => r.step !== report.step).map((r) => r.step));
      if (previousStep >= lowerCheck) return keep;
      const mine = [...own.map((r) => r.value), report.value].filter((v): v is number => v !== null);
      if (mine.length === 0) return { stop: true, rungs: [] };
      const best = mine.reduce((a, b) => (better(b, a, o.direction) ? b : a));
      const others = reports
        .filter((r) => completed.has(r.trial) && r.step === report.step && r.value !== null)
        .map((r) => r.value as number);
      if (others.length < o.minTrials) return keep;
      return { stop: better(median(others), best, o.direction), rungs: [] };
    },
  };
}

export const medianRule: PrunerDefinition<MedianOptions> = {
  name: 'median',
  summary:
    'median stopping rule: stop a trial whose best value so far is worse than the median of completed trials at that epoch',
  optionKeys: Object.keys(medianOptions.in.shape),
  options: medianOptions,
  create: createMedianPruner,
  describe(o, maxStep) {
    const steps = createMedianPruner(o).checkpoints(maxStep);
    return (
      `median on ${o.metric} (${o.direction}): checked at epochs ` +
      `${steps.length ? steps.join(', ') : '(none)'} of ${maxStep}, once ${Math.max(1, o.startupTrials)} trials completed`
    );
  },
};
