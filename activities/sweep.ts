import { expandSpec, type SweepSpec } from '../src/spec/index.js';
import { createHash } from 'node:crypto';
import type { Db } from '../src/store/db.js';
import { registerSweep, setSweepStatus, trialCounts } from '../src/store/sweeps.js';

export interface SweepRegistration {
  total: number;
  rejected: number;
}

export function createSweepActivities(db: Db) {
  return {
    /**
     * Expands the (already validated) spec and records the sweep, its trials and baselines. Deterministic and
     * idempotent, so a retry or a replay inserts nothing twice.
     */
    async registerSweep(input: { sweepId: string; workflowId: string; spec: SweepSpec }): Promise<SweepRegistration> {
      const spec = input.spec; // validated by the CLI before the workflow started
      const { trials, rejected } = expandSpec(spec);
      await registerSweep(db, {
        id: input.sweepId,
        name: spec.name,
        spec,
        specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16),
        workflowId: input.workflowId,
        trials,
        rejected,
      });
      return { total: trials.length, rejected: rejected.length };
    },

    /** Marks trials that never started as CANCELLED (a cancelled sweep leaves no PENDING rows behind). */
    async cancelPendingTrials(input: { sweepId: string }): Promise<number> {
      const r = await db.trial.updateMany({
        where: { sweepId: input.sweepId, status: { in: ['PENDING', 'RUNNING'] } },
        data: { status: 'CANCELLED', finishedAt: new Date() },
      });
      return r.count;
    },

    async finishSweep(input: { sweepId: string; status: 'COMPLETED' | 'CANCELLED' | 'FAILED' }) {
      await setSweepStatus(db, input.sweepId, input.status);
      return await trialCounts(db, input.sweepId);
    },
  };
}
