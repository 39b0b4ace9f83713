import { createHash } from 'node:crypto';
import { expandSpec, type SweepSpec } from '../src/spec/index.js';
import type { TrialCounts, TrialStore } from '../src/store/trial-store.js';
import { isAdaptive, strategyOf } from './search.js';

export interface SweepRegistration {
  /** Trials in the sweep. */
  total: number;
  /** Trials this call added (new configurations). */
  added: number;
  /** Trials this call put back to PENDING. */
  requeued: number;
  rejected: number;
}

/** Trials a sweep will have: its registered trials, or for an adaptive sampler its budget when that is larger. */
function plannedTotal(registered: number, spec: unknown): number {
  const s = spec as SweepSpec | undefined;
  return s?.strategy && isAdaptive(s) ? Math.max(registered, strategyOf(s).sampler.budget) : registered;
}

export function createSweepActivities(store: TrialStore) {
  return {
    /**
     * Opens a new execution of a sweep: trials a previous execution left RUNNING were interrupted (no workflow of
     * the sweep runs them any more) and go back to PENDING; the sweep is RUNNING again. A sweep that has no row
     * yet (its spec arrives as a change) is left alone.
     */
    async openSweep(input: { sweepId: string; workflowId: string }): Promise<SweepRegistration> {
      const sweep = await store.sweep(input.sweepId);
      if (!sweep) return { total: 0, added: 0, requeued: 0, rejected: 0 };
      const requeued = await store.requeueTrials(input.sweepId, ['RUNNING']);
      await store.setSweepStatus(input.sweepId, 'RUNNING');
      return { total: plannedTotal(sweep.trialCount, sweep.spec), added: 0, requeued, rejected: 0 };
    },

    /**
     * Applies a change: expands and registers a spec (configurations the sweep lacks are added after the known
     * ones, which keep number and state), and/or requeues FAILED / CANCELLED trials. Deterministic and idempotent,
     * so a retry or a replay inserts nothing twice.
     */
    async registerSweep(input: {
      sweepId: string;
      workflowId: string;
      spec?: SweepSpec;
      requeue?: ('FAILED' | 'CANCELLED')[];
      options?: Record<string, unknown>;
    }): Promise<SweepRegistration> {
      let added = 0;
      let rejected = 0;
      let total: number | undefined;
      if (input.spec) {
        const spec = input.spec; // validated by the CLI before the workflow started
        const x = expandSpec(spec);
        // An adaptive sampler registers each trial when it proposes it (activities/search.ts `nextTrials`).
        const adaptive = isAdaptive(spec);
        const r = await store.registerSweep({
          id: input.sweepId,
          name: spec.name,
          spec,
          specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16),
          workflowId: input.workflowId,
          trials: adaptive ? [] : x.trials,
          rejected: x.rejected,
          ...(input.options ? { options: input.options } : {}),
        });
        ({ added, total } = r);
        total = plannedTotal(total, spec);
        rejected = x.rejected.length;
      }
      const requeued = input.requeue?.length ? await store.requeueTrials(input.sweepId, input.requeue) : 0;
      if (total === undefined) {
        const sweep = await store.sweep(input.sweepId);
        total = plannedTotal(sweep?.trialCount ?? 0, sweep?.spec);
      }
      return { total, added, requeued, rejected };
    },

    /** Marks trials that never started as CANCELLED (a cancelled sweep leaves no PENDING rows behind). */
    async cancelPendingTrials(input: { sweepId: string }): Promise<number> {
      return await store.cancelUnfinishedTrials(input.sweepId);
    },

    async finishSweep(input: { sweepId: string; status: 'COMPLETED' | 'CANCELLED' | 'FAILED' }): Promise<TrialCounts> {
      await store.setSweepStatus(input.sweepId, input.status);
      return await store.trialCounts(input.sweepId);
    },
  };
}
