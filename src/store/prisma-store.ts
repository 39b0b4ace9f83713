import { deleteArtifacts, getArtifact, putArtifact, artifactUpsert } from './artifacts.js';
import { baselineRow, completeBaseline, markBaselineFailed, markBaselineRunning } from './baselines.js';
import type { Db } from './db.js';
import { withDbRetry, type DbRetryOptions } from './db-retry.js';
import { epochMetrics, epochTimeEstimateMs, epochUpsert } from './metrics.js';
import { recordLayerResults, recordSimulation } from './results.js';
import { decideSearch, searchLog } from './search-log.js';
import { adoptStages, claimStage, completeStage, failStages, planStages, recordStageProgress, stageSavings, stageStates } from './stages.js';
import {
  cancelUnfinishedTrials,
  finishTrial,
  pendingTrials,
  recordTrialPhase,
  registerSweep,
  requeueTrials,
  setSweepStatus,
  startTrial,
  sweepRow,
  trialByNumber,
  trialCounts,
  trialOutcome,
  trialRef,
  trialResults,
} from './sweeps.js';
import type { TrialStore } from './trial-store.js';

/**
 * The {@link TrialStore} on PostgreSQL through Prisma: each method is one statement or one transaction over the
 * tables of prisma/schema.prisma. The contract suite (test/contracts/trial-store.contract.ts) pins its behaviour.
 * Every method rides out a database outage (`withDbRetry`: transient connection errors are retried with backoff for
 * `retry.budgetMs`, 5 minutes by default), which is safe because every call is idempotent.
 */
export function createPrismaTrialStore(db: Db, retry: DbRetryOptions = {}): TrialStore {
  const store = prismaStore(db);
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(store) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    out[name] = (...args: unknown[]) => withDbRetry(`store.${name}`, () => fn(...args), retry);
  }
  return out as unknown as TrialStore;
}

function prismaStore(db: Db): TrialStore {
  return {
    registerSweep: (s) => registerSweep(db, s),
    setSweepStatus: (id, status) => setSweepStatus(db, id, status),
    sweep: (id) => sweepRow(db, id),
    trialCounts: (id) => trialCounts(db, id),
    cancelUnfinishedTrials: (id) => cancelUnfinishedTrials(db, id),
    requeueTrials: (id, states) => requeueTrials(db, id, states),
    pendingTrials: (id, after, limit) => pendingTrials(db, id, after, limit),

    trialByNumber: (sweepId, n) => trialByNumber(db, sweepId, n),
    trial: (id) => trialRef(db, id),
    startTrial: (id) => startTrial(db, id),
    recordTrialPhase: (id, phase, patch) => recordTrialPhase(db, id, phase, patch),
    trialResults: (id) => trialResults(db, id),
    finishTrial: (id, f) => finishTrial(db, id, f),
    trialOutcome: (id) => trialOutcome(db, id),
    recordLayerResults: (id, rows) => recordLayerResults(db, id, rows),
    recordSimulation: (id, sim, layers) => recordSimulation(db, id, sim, layers),

    planStages: (id, opts, needs) => planStages(db, id, opts, needs),
    stageStates: (keys) => stageStates(db, keys),
    claimStage: (key, by) => claimStage(db, key, by),
    recordStageProgress: (key, p) => recordStageProgress(db, key, p),
    completeStage: (key, result, epochs) => completeStage(db, key, result, epochs),
    failStages: (keys, status, error) => failStages(db, keys, status, error),
    adoptStages: (id, a) => adoptStages(db, id, a),
    stageSavings: (id) => stageSavings(db, id),

    searchLog: (id) => searchLog(db, id),
    decideSearch: (id, decide) => decideSearch(db, id, decide),

    baseline: (key) => baselineRow(db, key),
    markBaselineRunning: (key) => markBaselineRunning(db, key),
    completeBaseline: (key, r) => completeBaseline(db, key, r),
    markBaselineFailed: (key) => markBaselineFailed(db, key),

    recordEpoch: async (e, checkpoint) => {
      await db.$transaction([epochUpsert(db, e), ...(checkpoint ? [artifactUpsert(db, checkpoint)] : [])]);
    },
    epochTimeEstimateMs: (owner) => epochTimeEstimateMs(db, owner),
    epochMetrics: (owner, phase) => epochMetrics(db, owner, phase),
    getArtifact: (id) => getArtifact(db, id),
    putArtifact: (a) => putArtifact(db, a),
    deleteArtifacts: (ids) => deleteArtifacts(db, ids),
  };
}
