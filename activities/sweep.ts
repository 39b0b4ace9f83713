import { createHash } from 'node:crypto';
import { expandSpec, type SweepSpec } from '../src/spec/index.js';
import type { TrialCounts, TrialStore } from '../src/store/trial-store.js';

export interface SweepRegistration {
  total: number;
  /** Trials this registration added to the sweep. */
  added: number;
  rejected: number;
}

export function createSweepActivities(store: TrialStore) {
  return {
    /**
     * Expands the (already validated) spec and records the sweep, its trials and baselines. Deterministic and
     * idempotent, so a retry or a replay inserts nothing twice.
     */
    async registerSweep(input: { sweepId: string; workflowId: string; spec: SweepSpec }): Promise<SweepRegistration> {
      const spec = input.spec; // validated by the CLI before the workflow started
      const { trials, rejected } = expandSpec(spec);
      const r = await store.registerSweep({
        id: input.sweepId,
        name: spec.name,
        spec,
        specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16),
        workflowId: input.workflowId,
        trials,
        rejected,
      });
      return { total: r.total, added: r.added, rejected: rejected.length };
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
