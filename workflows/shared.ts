import { defineQuery, defineSignal } from '@temporalio/workflow';
import { NON_RETRYABLE_CODES } from '../src/errors.js';
import type { SweepSpec } from '../src/spec/index.js';
import type { TrialPlan } from '../activities/trial.js';

/**
 * The contract between workflows, workers and the CLI, defined once: task queues, signals, queries and the
 * shapes they carry. src/worker.ts and the CLI import these definitions (never the names as strings).
 */

/** Task queues by resource: workflows and bookkeeping, tfjs work, the simulator. */
export const TaskQueues = { orchestration: 'hwsweep', train: 'hwsweep-train', sim: 'hwsweep-sim' } as const;

/** Temporal retry policy fields taken from the sweep spec's `retry` block. */
export interface RetrySettings {
  maxAttempts: number;
  initialIntervalMs: number;
  backoff: number;
  maximumIntervalMs: number;
}

export interface TrialInput {
  sweepId: string;
  number: number;
  retry: RetrySettings;
  /**
   * Floor of the heartbeat timeout of training activities (default 30 s); see {@link trainingHeartbeatTimeoutMs}.
   */
  heartbeatTimeoutMs: number;
  /** Orchestration only: record the trial as started and finished, train and simulate nothing (benchmarks, deployment checks). */
  dryRun?: boolean;
  /** Stage results computed for other sweeps serve this trial (else only those computed in this sweep do). */
  reuse?: boolean;
  /** The trial is started and this is its plan (the sweep's batch start); absent: the workflow starts it itself. */
  plan?: TrialPlan;
}

/** What every stage workflow gets: who asks (its configuration is the stage's), its sweep, and retry settings. */
interface StageCommon {
  trialId: string;
  sweepId: string;
  reuse: boolean;
  retry: RetrySettings;
  heartbeatTimeoutMs: number;
}

/**
 * A stage to compute (src/trial/stage-keys.ts): a retrained model up to `until` epochs, a compressed model, or
 * the simulations of a compressed model on some hardware configurations (one stage each, computed together).
 */
export type StageInput = StageCommon &
  (
    | { kind: 'retrained'; key: string; until: number }
    | { kind: 'compressed'; key: string; retrained: string }
    | { kind: 'simulation'; compressed: string; sims: { key: string; index: number }[] }
  );

/**
 * The workflow id of a stage's computation: one per stage key (per compressed key for simulations), so two trials
 * that need the same stage at once run one computation; the second waits for it (as baselines: `baseline/<key>`).
 */
export function stageWorkflowId(s: StageInput): string {
  return s.kind === 'simulation' ? `stage/simulation/${s.compressed}` : `stage/${s.kind}/${s.key}`;
}

/** The stage keys a stage workflow computes. */
export function stageKeys(s: StageInput): string[] {
  return s.kind === 'simulation' ? s.sims.map((x) => x.key) : [s.key];
}

/**
 * How a trial workflow ended: SKIPPED = it had already finished, REUSED = it copied the results of another trial
 * (it computed no stage itself), PRUNED = the sweep's pruner stopped it at a rung.
 */
export type TrialStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'SKIPPED' | 'REUSED' | 'PRUNED';

export interface TrialOutcome {
  number: number;
  status: TrialStatus;
  error?: string;
}

/**
 * A change to a sweep, sent with {@link changeSignal} (to a running sweep) or with the start of a new execution
 * (`signalWithStart`, so there is no race between "is it running?" and "start it").
 */
export interface SweepChange {
  /** Register this spec's trials: configurations the sweep lacks are added, known ones keep number and state. */
  spec?: SweepSpec;
  /** Put trials in these states back to PENDING for a new attempt (`hwsweep retry`, relaunch, resume). */
  requeue?: ('FAILED' | 'CANCELLED')[];
}

/**
 * Counts of trial outcomes in this workflow execution (the database has the sweep-wide counts). `completed`
 * includes `reused` (trials that copied another sweep's result) and `skipped` (trials that had already finished).
 */
export interface SweepProgress {
  sweepId: string;
  /** Trials in the sweep. */
  total: number;
  /** Trials started by this execution. */
  started: number;
  running: number;
  completed: number;
  reused: number;
  failed: number;
  cancelled: number;
  /** Trials the sweep's pruner stopped early. */
  pruned: number;
  paused: boolean;
  cancelling: boolean;
  maxParallel: number;
  /** Workflow runs so far (continue-as-new keeps history small). */
  run: number;
}

export const progressQuery = defineQuery<SweepProgress>('progress');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const cancelSignal = defineSignal('cancel');
export const setParallelismSignal = defineSignal<[number]>('setParallelism');
export const changeSignal = defineSignal<[SweepChange]>('change');

/**
 * Heartbeat timeout of a training activity: about one epoch or the floor (30 s by default), whichever is longer.
 * Training heartbeats every 2 s between batches and once after every epoch, so a live worker is never silent for
 * more than one epoch; a dead one is noticed after this timeout. `epochMs` is the measured epoch time of the same
 * owner or of a comparable baseline (null when nothing was measured yet: the floor applies). The factor 1.5 covers
 * the spread between the estimate and this run's epochs (another batch size, evaluation and the checkpoint write at
 * the epoch's end); it is a margin, not a fitted constant.
 */
export function trainingHeartbeatTimeoutMs(floorMs: number, epochMs: number | null): number {
  return Math.max(floorMs, epochMs === null ? 0 : Math.ceil(1.5 * epochMs));
}

/**
 * A trial activity's Temporal retry policy from the spec's `retry` block. The error types it never retries come
 * from the same table (src/errors.ts `RETRYABLE`) that activities use to mark their failures non-retryable.
 */
export function retryPolicy(r: RetrySettings) {
  return {
    maximumAttempts: r.maxAttempts,
    initialInterval: r.initialIntervalMs,
    backoffCoefficient: r.backoff,
    maximumInterval: r.maximumIntervalMs,
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
  };
}
