import { defineQuery, defineSignal } from '@temporalio/workflow';
import { NON_RETRYABLE_CODES } from '../src/errors.js';

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
  /** Heartbeat timeout of training activities (they heartbeat every 2 s and after every epoch). */
  heartbeatTimeoutMs: number;
  /** Orchestration only: record the trial as started and finished, train and simulate nothing (benchmarks, deployment checks). */
  dryRun?: boolean;
}

export type TrialStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';

export interface TrialOutcome {
  number: number;
  status: TrialStatus;
  error?: string;
}

export interface SweepProgress {
  sweepId: string;
  total: number;
  started: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
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
