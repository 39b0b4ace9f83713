import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  ChildWorkflowCancellationType,
  WorkflowIdReusePolicy,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { baselineWorkflow } from './baseline.js';
import { TaskQueues, retryPolicy, trainingHeartbeatTimeoutMs, type TrialInput, type TrialOutcome } from './shared.js';

/** The innermost failure's type and message (ActivityFailure / ChildWorkflowFailure wrap the real cause). */
function describeFailure(err: unknown): { error: string; errorType: string } {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return { error: e.message, errorType: e.type ?? 'Error' };
  return { error: e instanceof Error ? e.message : String(e), errorType: e instanceof Error ? e.name : 'Error' };
}

/**
 * One trial: shared baseline → prune → retrain (masks fixed, LR tracking) → quantize + cluster + evaluate →
 * simulate on every accelerator → final state. A failure is recorded on the trial row (error, type, phase,
 * attempt) and returned, never thrown, so the sweep goes on; cancellation is recorded as CANCELLED.
 */
export async function trialWorkflow(input: TrialInput): Promise<TrialOutcome> {
  const retry = retryPolicy(input.retry);
  // Bookkeeping (a few row updates) runs as local activities: no server round trip per call.
  // Their store calls wait out a database restart (up to 5 min per call, then STORE_UNAVAILABLE is retried here).
  const book = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 10 } });
  /** Training activities, their heartbeat timeout from the measured epoch time (a dead worker noticed within ~1 epoch). */
  const training = (epochMs: number | null) =>
    proxyActivities<Activities>({
      taskQueue: TaskQueues.train,
      startToCloseTimeout: '24 hours',
      heartbeatTimeout: trainingHeartbeatTimeoutMs(input.heartbeatTimeoutMs, epochMs),
      retry,
      // A cancelled trial is recorded only once its training has really stopped (between two batches).
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
  const cpu = proxyActivities<Activities>({ taskQueue: TaskQueues.train, startToCloseTimeout: '2 hours', retry });
  const sim = proxyActivities<Activities>({ taskQueue: TaskQueues.sim, startToCloseTimeout: '1 hour', retry });
  const wait = proxyActivities<Activities>({ startToCloseTimeout: '7 days', heartbeatTimeout: '30 seconds', retry });

  const start = await book.startTrial({ sweepId: input.sweepId, number: input.number, reuse: input.reuse ?? false });
  if (!start.run) return { number: input.number, status: start.reusedFrom ? 'REUSED' : 'SKIPPED' };
  const { trialId } = start;
  if (input.dryRun) {
    await book.finishTrial({ trialId, status: 'COMPLETED', phase: 'dry-run' }); // a dry run is never reused as a result
    return { number: input.number, status: 'COMPLETED' };
  }
  try {
    try {
      await executeChild(baselineWorkflow, {
        workflowId: `baseline/${start.baselineKey}`,
        taskQueue: TaskQueues.orchestration,
        args: [{ key: start.baselineKey, retry: input.retry, heartbeatTimeoutMs: input.heartbeatTimeoutMs }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE, // a closed run is re-run: trainBaseline returns at once when the row is done
        // Shared by other trials and sweeps: cancelling this trial must not cancel it.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        cancellationType: ChildWorkflowCancellationType.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await wait.awaitBaseline({ key: start.baselineKey }); // running for another trial, or already finished
    }
    await cpu.pruneTrial({ trialId });
    if (start.retrain) await training(await book.estimateEpochMs({ owner: trialId })).retrainTrial({ trialId });
    await cpu.compressTrial({ trialId });
    await sim.simulateTrial({ trialId });
    await book.finishTrial({ trialId, status: 'COMPLETED' });
    return { number: input.number, status: 'COMPLETED' };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => book.finishTrial({ trialId, status: 'CANCELLED' }));
      return { number: input.number, status: 'CANCELLED' };
    }
    const f = describeFailure(err);
    await book.finishTrial({ trialId, status: 'FAILED', ...f });
    return { number: input.number, status: 'FAILED', error: f.error };
  }
}
