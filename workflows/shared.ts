import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Task queues (mirrors src/worker.ts; workflows cannot import it). */
export const QUEUES = { orchestration: 'hwsweep', train: 'hwsweep-train', sim: 'hwsweep-sim' } as const;

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

/** Error types that retrying cannot fix: activities raise them non-retryable and the retry policies list them. */
export const NON_RETRYABLE = [
  'INVALID_ARGUMENT',
  'INVALID_SPEC',
  'SHAPE_MISMATCH',
  'MODEL_NOT_FOUND',
  'DATASET_INVALID',
  'SIM_CONFIG_INVALID',
  'TOPOLOGY_INVALID',
  'TRIAL_FINISHED',
];

export function retryPolicy(r: RetrySettings) {
  return {
    maximumAttempts: r.maxAttempts,
    initialInterval: r.initialIntervalMs,
    backoffCoefficient: r.backoff,
    maximumInterval: r.maximumIntervalMs,
    nonRetryableErrorTypes: NON_RETRYABLE,
  };
}
