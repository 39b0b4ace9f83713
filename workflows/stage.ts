import { ActivityCancellationType, CancellationScope, CancelledFailure, isCancellation, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { describeFailure } from './failure.js';
import { TaskQueues, retryPolicy, stageKeys, trainingHeartbeatTimeoutMs, type StageInput } from './shared.js';

/**
 * Computes one stage (or, for simulations, the missing simulations of one compressed model). Its workflow id is
 * `stageWorkflowId(input)`, so trials of any sweep that need the stage at the same time share this execution;
 * the activities claim the stage first and return at once when it is already completed. On failure the stage
 * is marked failed with the error (trials waiting for it fail with STAGE_FAILED); on cancellation, cancelled
 * (a trial still needing it starts it again: a retrained stage resumes from its newest checkpoint).
 */
export async function stageWorkflow(input: StageInput): Promise<void> {
  const retry = retryPolicy(input.retry);
  // Bookkeeping: local activities; their store calls wait out a database restart (up to 5 min per call).
  const book = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 10 } });
  // Cancellation waits for these short activities to end: one still running could claim the stage (`running`)
  // after the workflow recorded it cancelled.
  const settled = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
  const cpu = proxyActivities<Activities>({ taskQueue: TaskQueues.train, startToCloseTimeout: '2 hours', retry, cancellationType: settled });
  const sim = proxyActivities<Activities>({ taskQueue: TaskQueues.sim, startToCloseTimeout: '1 hour', retry, cancellationType: settled });
  /** Training activities, their heartbeat timeout from the measured epoch time (a dead worker noticed within ~1 epoch). */
  const training = (epochMs: number | null) =>
    proxyActivities<Activities>({
      taskQueue: TaskQueues.train,
      startToCloseTimeout: '24 hours',
      heartbeatTimeout: trainingHeartbeatTimeoutMs(input.heartbeatTimeoutMs, epochMs),
      retry,
      // A cancelled stage is recorded only once its training has really stopped (between two batches).
      cancellationType: settled,
    });
  const caller = { trialId: input.trialId, sweepId: input.sweepId, reuse: input.reuse };
  try {
    switch (input.kind) {
      case 'retrained': {
        const a = { ...caller, key: input.key, until: input.until };
        const { done } = await cpu.pruneStage(a);
        if (!done) await training(await book.estimateEpochMs({ owner: input.key })).retrainStage(a);
        return;
      }
      case 'compressed':
        await cpu.compressStage({ ...caller, key: input.key, retrained: input.retrained });
        return;
      case 'simulation':
        await sim.simulateStages({ ...caller, compressed: input.compressed, sims: input.sims });
        return;
    }
  } catch (err) {
    const keys = stageKeys(input);
    // Cancelled also when an activity that started after the cancel request failed instead of reporting it; the
    // row is written in a non-cancellable scope either way (a call in the cancelled scope would not run).
    if (isCancellation(err) || CancellationScope.current().consideredCancelled) {
      await CancellationScope.nonCancellable(() => book.failStages({ keys, status: 'cancelled' }));
      if (!isCancellation(err)) throw new CancelledFailure(`stage cancelled (its activity then failed: ${describeFailure(err).error})`);
    } else {
      const f = describeFailure(err);
      await CancellationScope.nonCancellable(() => book.failStages({ keys, status: 'failed', error: `${f.errorType}: ${f.error}` }));
    }
    throw err;
  }
}
