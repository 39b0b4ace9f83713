import {
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { baselineWorkflow } from './baseline.js';
import { describeFailure } from './failure.js';
import { TaskQueues, stageKeys, stageWorkflowId, type StageInput, type TrialInput, type TrialOutcome } from './shared.js';
import { stageWorkflow } from './stage.js';

/**
 * One trial: a path through shared, content-addressed stages (src/trial/stage-keys.ts). Shared baseline ->
 * retrained model (prune + masked retraining, up to each early-stopping rung: the sweep's pruner decides there
 * whether the trial goes on) -> compressed model (quantize, cluster, evaluate) -> one simulation per accelerator.
 * A stage some trial already computed is not computed again; one that another trial computes right now is waited
 * for. The results are then copied onto the trial's rows. A failure is recorded on the trial row (error, type,
 * phase, attempt) and returned, never thrown, so the sweep goes on; cancellation is recorded as CANCELLED.
 */
export async function trialWorkflow(input: TrialInput): Promise<TrialOutcome> {
  const { number } = input;
  // Bookkeeping (a few row updates) runs as local activities: no server round trip per call.
  const book = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 10 } });
  const wait = proxyActivities<Activities>({ startToCloseTimeout: '7 days', heartbeatTimeout: '30 seconds', retry: { maximumAttempts: 10 } });

  const plan = input.plan ?? (await book.startTrial({ sweepId: input.sweepId, number, reuse: input.reuse ?? false, ...(input.dryRun ? { dryRun: true } : {}) }));
  if (!plan.run) return { number, status: plan.finished ?? 'SKIPPED' };
  const { trialId } = plan;
  if (input.dryRun) {
    await book.finishTrial({ trialId, status: 'COMPLETED', phase: 'dry-run', dryRun: true }); // a dry run computes no stage
    return { number, status: 'COMPLETED' };
  }
  const common = { trialId, sweepId: input.sweepId, reuse: input.reuse ?? false, retry: input.retry, heartbeatTimeoutMs: input.heartbeatTimeoutMs };

  /** Runs a stage's workflow, or waits for the run another trial started; starts it again if that run fell short. */
  const ensureStage = async (s: StageInput): Promise<void> => {
    for (;;) {
      try {
        await executeChild(stageWorkflow, {
          workflowId: stageWorkflowId(s),
          taskQueue: TaskQueues.orchestration,
          args: [s],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE, // a closed run is re-run: it returns at once when the stage is done
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        const until = s.kind === 'retrained' ? { until: s.until } : {};
        if ((await wait.awaitStages({ keys: stageKeys(s), ...until })).done) return;
      }
    }
  };

  try {
    if (!plan.baselineDone) {
      try {
        await executeChild(baselineWorkflow, {
          workflowId: `baseline/${plan.baselineKey}`,
          taskQueue: TaskQueues.orchestration,
          args: [{ key: plan.baselineKey, retry: input.retry, heartbeatTimeoutMs: input.heartbeatTimeoutMs }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE, // a closed run is re-run: trainBaseline returns at once when the row is done
          // Shared by other trials and sweeps: cancelling this trial must not cancel it.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          cancellationType: ChildWorkflowCancellationType.ABANDON,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        await wait.awaitBaseline({ key: plan.baselineKey }); // running for another trial, or already finished
      }
    }

    const r = plan.retrained;
    // Retrain up to each rung in turn and ask the pruner there; then to the end.
    for (const until of [...r.rungs, r.epochs]) {
      if (!r.usable && (until > r.epochsDone || until === r.epochs)) await ensureStage({ ...common, kind: 'retrained', key: r.key, until });
      if (until === r.epochs) break;
      const d = await book.reportRung({ trialId, retrained: r.key, step: until });
      if (d.stop) {
        await book.finishTrial({ trialId, status: 'PRUNED', phase: 'retrain', stoppedEpoch: until, ...(d.rungs.length ? { stoppedRung: Math.max(...d.rungs) } : {}) });
        return { number, status: 'PRUNED' };
      }
    }
    await book.adoptStages({ trialId, keys: [r.key] });
    if (!plan.compressed.usable) await ensureStage({ ...common, kind: 'compressed', key: plan.compressed.key, retrained: r.key });
    const sims = plan.simulations.filter((s) => !s.usable);
    if (sims.length) await ensureStage({ ...common, kind: 'simulation', compressed: plan.compressed.key, sims: sims.map((s) => ({ key: s.key, index: s.index })) });
    await book.finishTrial({ trialId, status: 'COMPLETED', adopt: [plan.compressed.key, ...plan.simulations.map((s) => s.key)] });
    return { number, status: 'COMPLETED' };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => book.finishTrial({ trialId, status: 'CANCELLED' }));
      return { number, status: 'CANCELLED' };
    }
    const f = describeFailure(err);
    await book.finishTrial({ trialId, status: 'FAILED', ...f });
    return { number, status: 'FAILED', error: f.error };
  }
}
