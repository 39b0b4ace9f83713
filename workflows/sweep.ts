import {
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SweepSpec } from '../src/spec/index.js';
import {
  cancelSignal,
  pauseSignal,
  progressQuery,
  resumeSignal,
  setParallelismSignal,
  type RetrySettings,
  type SweepProgress,
  type TrialOutcome,
} from './shared.js';
import { trialWorkflow } from './trial.js';

export interface SweepInput {
  sweepId: string;
  /** Only on the first run: the validated spec (the registration activity expands it into trial rows). */
  spec?: SweepSpec;
  maxParallel: number;
  retry: RetrySettings;
  heartbeatTimeoutMs: number;
  /** Trials to start per workflow run before continuing as new (bounds history size). */
  trialsPerRun?: number;
  /** Orchestrate and record trials without training or simulating them. */
  dryRun?: boolean;
  /** Carried across continue-as-new. */
  state?: { total: number; next: number; completed: number; failed: number; cancelled: number; paused: boolean; run: number };
}

export interface SweepResult {
  sweepId: string;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
}

const DEFAULT_TRIALS_PER_RUN = 500;

/**
 * Runs every trial of a sweep as a child TrialWorkflow, at most `maxParallel` at a time (a sliding window: a new
 * trial starts as soon as one finishes). After `trialsPerRun` starts it drains the window and continues as new,
 * so a 10,000-trial sweep keeps each run's history and pending children far below Temporal's limits.
 * Signals: pause (no new starts), resume, setParallelism(n), cancel (cancels running trials; pending ones are
 * recorded CANCELLED). Query: progress.
 */
export async function sweepWorkflow(input: SweepInput): Promise<SweepResult> {
  const { registerSweep, cancelPendingTrials, finishSweep } = proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    retry: { maximumAttempts: 10 },
  });
  const st = input.state ?? { total: 0, next: 0, completed: 0, failed: 0, cancelled: 0, paused: false, run: 1 };
  let maxParallel = input.maxParallel;
  let cancelling = false;
  const running = new Set<number>();
  const children = new CancellationScope();

  setHandler(pauseSignal, () => void (st.paused = true));
  setHandler(resumeSignal, () => void (st.paused = false));
  setHandler(setParallelismSignal, (n) => void (maxParallel = Math.max(1, Math.floor(n))));
  setHandler(cancelSignal, () => {
    cancelling = true;
    children.cancel();
  });
  setHandler(progressQuery, (): SweepProgress => ({
    sweepId: input.sweepId,
    total: st.total,
    started: st.next,
    running: running.size,
    completed: st.completed,
    failed: st.failed,
    cancelled: st.cancelled,
    paused: st.paused,
    cancelling,
    maxParallel,
    run: st.run,
  }));

  if (!input.state) {
    if (!input.spec) throw new Error('sweepWorkflow: the first run needs the spec');
    st.total = (await registerSweep({ sweepId: input.sweepId, workflowId: workflowInfo().workflowId, spec: input.spec })).total;
  }

  const settle = (o: TrialOutcome): void => {
    running.delete(o.number);
    if (o.status === 'COMPLETED' || o.status === 'SKIPPED') st.completed++;
    else if (o.status === 'FAILED') st.failed++;
    else st.cancelled++;
  };

  const launch = (n: number): void => {
    running.add(n);
    void children
      .run(async () => {
        const handle = await startChild(trialWorkflow, {
          workflowId: `${input.sweepId}/trial-${n}`,
          args: [
            {
              sweepId: input.sweepId,
              number: n,
              retry: input.retry,
              heartbeatTimeoutMs: input.heartbeatTimeoutMs,
              ...(input.dryRun ? { dryRun: true } : {}),
            },
          ],
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        });
        return await handle.result();
      })
      .then(settle, (err: unknown) => settle({ number: n, status: isCancellation(err) ? 'CANCELLED' : 'FAILED' }));
  };

  const perRun = input.trialsPerRun ?? DEFAULT_TRIALS_PER_RUN;
  let startedThisRun = 0;
  try {
    while (!cancelling && (st.next < st.total || running.size > 0)) {
      const budget = startedThisRun < perRun && !workflowInfo().continueAsNewSuggested;
      while (!cancelling && !st.paused && budget && running.size < maxParallel && st.next < st.total && startedThisRun < perRun) {
        launch(st.next++);
        startedThisRun++;
      }
      if (running.size === 0 && st.next < st.total && (startedThisRun >= perRun || workflowInfo().continueAsNewSuggested)) {
        await continueAsNew<typeof sweepWorkflow>({ ...input, spec: undefined, maxParallel, state: { ...st, run: st.run + 1 } });
      }
      const before = running.size;
      const wasPaused = st.paused;
      const limit = maxParallel;
      await condition(() => cancelling || running.size < before || st.paused !== wasPaused || maxParallel !== limit);
    }
    if (cancelling) {
      await condition(() => running.size === 0);
      await cancelPendingTrials({ sweepId: input.sweepId });
      await finishSweep({ sweepId: input.sweepId, status: 'CANCELLED' });
    } else {
      await finishSweep({ sweepId: input.sweepId, status: 'COMPLETED' });
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled through Temporal (e.g. `temporal workflow cancel`): the root scope cancelled the children.
    await CancellationScope.nonCancellable(async () => {
      await condition(() => running.size === 0);
      await cancelPendingTrials({ sweepId: input.sweepId });
      await finishSweep({ sweepId: input.sweepId, status: 'CANCELLED' });
    });
    throw err;
  }
  return { sweepId: input.sweepId, total: st.total, completed: st.completed, failed: st.failed, cancelled: st.cancelled };
}
