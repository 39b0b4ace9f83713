import { createHash } from 'node:crypto';
import { expandSpec, type SweepSpec } from '../src/spec/index.js';
import type { TrialCounts, TrialStore } from '../src/store/trial-store.js';

export interface SweepRegistration {
  /** Trials in the sweep. */
  total: number;
  /** Trials this call added (new configurations). */
  added: number;
  /** Trials this call put back to PENDING. */
  requeued: number;
  rejected: number;
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
      return { total: sweep.trialCount, added: 0, requeued, rejected: 0 };
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
        const r = await store.registerSweep({
          id: input.sweepId,
          name: spec.name,
          spec,
          specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16),
          workflowId: input.workflowId,
          trials: x.trials,
          rejected: x.rejected,
          ...(input.options ? { options: input.options } : {}),
        });
        ({ added, total } = r);
        rejected = x.rejected.length;
      }
      const requeued = input.requeue?.length ? await store.requeueTrials(input.sweepId, input.requeue) : 0;
      total ??= (await store.sweep(input.sweepId))?.trialCount ?? 0;
      return { total, added, requeued, rejected };
    },

    /** Numbers of PENDING trials after `after`, ascending (the sweep workflow's paging). */
    async pendingTrials(input: { sweepId: string; after: number; limit: number }): Promise<number[]> {
      return await store.pendingTrials(input.sweepId, input.after, input.limit);
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
