import {
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { TrialPlan } from '../activities/trial.js';
import type { SweepSpec } from '../src/spec/index.js';
import {
  cancelSignal,
  changeSignal,
  pauseSignal,
  progressQuery,
  resumeSignal,
  setParallelismSignal,
  type RetrySettings,
  type SweepChange,
  type SweepProgress,
  type TrialOutcome,
} from './shared.js';
import { trialWorkflow } from './trial.js';

export interface SweepInput {
  sweepId: string;
  /** Optional: a first change applied when an execution starts (the CLI sends changes with signalWithStart). */
  spec?: SweepSpec;
  maxParallel: number;
  retry: RetrySettings;
  heartbeatTimeoutMs: number;
  /** Trials to start per workflow run before continuing as new (bounds history size). */
  trialsPerRun?: number;
  /** Orchestrate and record trials without training or simulating them. */
  dryRun?: boolean;
  /**
   * With dryRun: every trial runs as a trial workflow, as a trial that computes does, instead of ending in its
   * batch start (bench:orchestration measures both paths).
   */
  dryRunWorkflows?: boolean;
  /** Copy results of configurations another sweep completed instead of running them again (default true). */
  reuse?: boolean;
  /** Carried across continue-as-new. */
  state?: SweepState;
}

/** What one execution of the sweep carries from run to run (continue-as-new). */
export interface SweepState {
  total: number;
  /** Highest trial number already fetched and started (trials are fetched in number order, PENDING only). */
  cursor: number;
  started: number;
  completed: number;
  reused: number;
  failed: number;
  cancelled: number;
  /** Trials the pruner stopped. */
  pruned?: number;
  paused: boolean;
  run: number;
}

/** Sweep-wide trial counts when the execution ended, and how many of them this execution reused. */
export interface SweepResult {
  sweepId: string;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Trials the sweep's pruner stopped early (PRUNED). */
  pruned: number;
  /** Trials this execution completed by copying another trial's results (they computed no stage). */
  reused: number;
}

const DEFAULT_TRIALS_PER_RUN = 500;
/** Trial numbers fetched per `pendingTrials` call. */
const PAGE = 200;

/**
 * Runs the PENDING trials of a sweep as child TrialWorkflows, at most `maxParallel` at a time (a sliding window: a
 * new trial starts as soon as one finishes), fetched from the store in number order. After `trialsPerRun` starts it
 * drains the window and continues as new, so a 10,000-trial sweep keeps each run's history and pending children far
 * below Temporal's limits.
 *
 * An execution starts by reopening trials a previous execution left RUNNING (it was interrupted) and then applies
 * changes: `change` signals add configurations (relaunch with a larger spec) or requeue FAILED / CANCELLED trials
 * (`hwsweep retry`), and the sweep fetches again from its first trial. Finished trials never run again.
 * Signals: pause (no new starts), resume, setParallelism(n), cancel (cancels running trials; pending ones are
 * recorded CANCELLED), change. Query: progress. Only this workflow writes the sweep's status row.
 */
export async function sweepWorkflow(input: SweepInput): Promise<SweepResult> {
  const { registerSweep, openSweep, nextTrials, cancelPendingTrials, finishSweep } = proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    retry: { maximumAttempts: 10 },
  });
  // Starting and planning a batch of trials is a few row updates: a local activity, no server round trip.
  const { startTrials } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 10 } });
  // Executions recorded before batch starts existed started each trial inside its trial workflow; they replay that way.
  const batchStarts = patched('batch-trial-starts');
  const st: SweepState = input.state ?? {
    total: 0,
    cursor: -1,
    started: 0,
    completed: 0,
    reused: 0,
    failed: 0,
    cancelled: 0,
    pruned: 0,
    paused: false,
    run: 1,
  };
  let maxParallel = input.maxParallel;
  let cancelling = false;
  const running = new Set<number>();
  const children = new CancellationScope();
  const changes: SweepChange[] = input.spec && !input.state ? [{ spec: input.spec }] : [];

  setHandler(pauseSignal, () => void (st.paused = true));
  setHandler(resumeSignal, () => void (st.paused = false));
  setHandler(setParallelismSignal, (n) => void (maxParallel = Number.isFinite(n) ? Math.max(1, Math.floor(n)) : maxParallel));
  setHandler(changeSignal, (c) => void changes.push(c));
  setHandler(cancelSignal, () => {
    cancelling = true;
    children.cancel();
  });
  setHandler(progressQuery, (): SweepProgress => ({
    sweepId: input.sweepId,
    total: st.total,
    started: st.started,
    running: running.size,
    completed: st.completed,
    reused: st.reused,
    failed: st.failed,
    cancelled: st.cancelled,
    pruned: st.pruned ?? 0,
    paused: st.paused,
    cancelling,
    maxParallel,
    run: st.run,
  }));

  const { workflowId } = workflowInfo();
  if (!input.state) {
    st.total = (await openSweep({ sweepId: input.sweepId, workflowId })).total;
  }

  const settle = (o: TrialOutcome): void => {
    running.delete(o.number);
    if (o.status === 'FAILED') st.failed++;
    else if (o.status === 'CANCELLED') st.cancelled++;
    else if (o.status === 'PRUNED') st.pruned = (st.pruned ?? 0) + 1;
    else st.completed++;
    if (o.status === 'REUSED') st.reused++;
  };

  // How every trial of this execution starts: a dry run computes nothing; otherwise other sweeps' stages serve it.
  const trialMode = { ...(input.dryRun ? { dryRun: true } : {}), ...(input.reuse !== false && !input.dryRun ? { reuse: true } : {}) };

  /** Runs trial `n` as a child workflow (with its plan when the sweep started it); `settle` counts its end. */
  const launch = (n: number, plan?: TrialPlan): void => {
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
              ...trialMode,
              ...(plan ? { plan } : {}),
            },
          ],
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        });
        return await handle.result();
      })
      .then(settle, (err: unknown) => settle({ number: n, status: isCancellation(err) ? 'CANCELLED' : 'FAILED' }));
  };

  const track = (numbers: number[]): void => {
    for (const n of numbers) running.add(n);
    st.started += numbers.length;
  };

  /**
   * Starts trials in one local activity: those with nothing to compute (dry runs, trials completed from stored
   * stages, trials that had already finished) end there and never get a trial workflow; the rest run as children
   * with their plans. Not cancellable once asked: its rows are RUNNING when it returns, and a cancelled sweep then
   * records them CANCELLED with the rest of its unfinished trials (`cancelPendingTrials`).
   */
  const startBatch = async (numbers: number[]): Promise<void> => {
    track(numbers);
    const started = await CancellationScope.nonCancellable(() =>
      startTrials({
        sweepId: input.sweepId,
        numbers,
        ...trialMode,
        ...(input.dryRun && input.dryRunWorkflows ? { dryRunWorkflows: true } : {}),
      }),
    );
    for (const t of started) {
      if (t.settled) settle({ number: t.number, status: t.settled });
      else if (cancelling || children.consideredCancelled) settle({ number: t.number, status: 'CANCELLED' });
      else launch(t.number, t.plan);
    }
  };

  const perRun = input.trialsPerRun ?? DEFAULT_TRIALS_PER_RUN;
  let startedThisRun = 0;
  let queue: number[] = [];
  let exhausted = false;
  const budgetLeft = (): boolean => startedThisRun < perRun && !workflowInfo().continueAsNewSuggested;

  try {
    for (;;) {
      while (!cancelling) {
        if (changes.length) {
          // A new spec or requeued trials: register, then fetch again from the first trial (PENDING only).
          await applyChanges();
          st.cursor = -1;
          queue = [];
          exhausted = false;
          continue;
        }
        if (!st.paused && budgetLeft() && running.size < maxParallel) {
          if (queue.length === 0 && !exhausted) {
            // The strategy says what runs next: a page of registered trials, or (a strategy with a search log)
            // as many decisions as there are free slots, each recorded before its trial starts.
            const free = maxParallel - running.size;
            const next = await nextTrials({ sweepId: input.sweepId, after: st.cursor, limit: PAGE, free });
            exhausted = next.exhausted;
            st.cursor = Math.max(st.cursor, ...next.numbers);
            queue = next.numbers.filter((n) => !running.has(n));
            continue;
          }
          if (queue.length > 0) {
            const take = batchStarts ? Math.min(queue.length, maxParallel - running.size, perRun - startedThisRun) : 1;
            const numbers = queue.splice(0, take);
            startedThisRun += numbers.length;
            if (batchStarts) await startBatch(numbers);
            else {
              track(numbers);
              launch(numbers[0]!);
            }
            continue;
          }
        }
        if (exhausted && queue.length === 0 && running.size === 0) break;
        if (running.size === 0 && !budgetLeft()) {
          // Fetched but not started trials are fetched again by the next run: resume the cursor before them.
          const cursor = queue.length ? queue[0]! - 1 : st.cursor;
          await continueAsNew<typeof sweepWorkflow>({ ...input, spec: undefined, maxParallel, state: { ...st, cursor, run: st.run + 1 } });
        }
        const before = running.size;
        const wasPaused = st.paused;
        const limit = maxParallel;
        await condition(() => cancelling || changes.length > 0 || running.size < before || st.paused !== wasPaused || maxParallel !== limit);
      }
      if (cancelling) {
        await condition(() => running.size === 0);
        await applyChanges(); // a spec sent before the cancel is recorded (its trials then cancelled), never lost
        await cancelPendingTrials({ sweepId: input.sweepId });
        return await finish('CANCELLED');
      }
      const result = await finish('COMPLETED');
      // A change that arrived while the sweep was finishing runs now (never dropped).
      if (changes.length === 0) return result;
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled through Temporal (e.g. `temporal workflow cancel`): the root scope cancelled the children.
    await CancellationScope.nonCancellable(async () => {
      await condition(() => running.size === 0);
      await applyChanges();
      await cancelPendingTrials({ sweepId: input.sweepId });
      await finish('CANCELLED');
    });
    throw err;
  }

  /** Registers every pending change (new spec, requeued states), in the order they came. */
  async function applyChanges(): Promise<void> {
    for (let c = changes.shift(); c; c = changes.shift()) {
      st.total = (await registerSweep({ sweepId: input.sweepId, workflowId, ...c, options: launchOptions(input) })).total;
    }
  }

  async function finish(status: 'COMPLETED' | 'CANCELLED'): Promise<SweepResult> {
    const c = await finishSweep({ sweepId: input.sweepId, status });
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    return { sweepId: input.sweepId, total, completed: c.COMPLETED, failed: c.FAILED, cancelled: c.CANCELLED, pruned: c.PRUNED, reused: st.reused };
  }
}

/** The options an execution runs with, stored on the sweep so `retry` and `resume` start the next one alike. */
function launchOptions(input: SweepInput): Record<string, unknown> {
  return {
    maxParallel: input.maxParallel,
    retry: input.retry,
    heartbeatTimeoutMs: input.heartbeatTimeoutMs,
    dryRun: input.dryRun ?? false,
    ...(input.dryRunWorkflows ? { dryRunWorkflows: true } : {}),
    reuse: input.reuse ?? true,
    ...(input.trialsPerRun ? { trialsPerRun: input.trialsPerRun } : {}),
  };
}
