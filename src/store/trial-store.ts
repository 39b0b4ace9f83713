import type { TrialConfig } from '../spec/index.js';
import type { Prisma, RunStatus } from '../generated/prisma/client.js';

/**
 * The persistence port of the orchestration: everything an activity reads or writes goes through a
 * {@link TrialStore}, so activities never touch Prisma or SQL (`src/store/prisma-store.ts` implements it on
 * PostgreSQL; `test/contracts/trial-store.contract.ts` is the suite every implementation must pass).
 *
 * Invariants every implementation keeps:
 * - **Finished trials are immutable.** Once a trial is COMPLETED, FAILED or CANCELLED, `startTrial`,
 *   `recordTrialPhase` and `finishTrial` leave it unchanged. The only exception is `requeueTrials`, which reopens
 *   FAILED / CANCELLED trials (never COMPLETED ones) for a new attempt and keeps the old outcome in the trial's
 *   attempt history.
 * - **Writes are upserts on natural keys**: sweep id; (sweep id, config hash) for trials, whose number is assigned
 *   once and never changes; baseline key; (trial, layer); (trial, hardware hash) and (simulation, layer);
 *   (owner, phase, epoch) for epoch metrics; artefact id. A retried or replayed call never duplicates a row.
 * - **Idempotent calls**: everything except `recordEpoch`, whose `runs` counter deliberately counts how many times
 *   an epoch was computed (a crash that recomputes an epoch shows as `runs = 2`). `startTrial` on a RUNNING trial
 *   reports `run: true` without counting a new attempt (a retried bookkeeping call, not a new run).
 * - Non-finite numbers (NaN, ±Infinity) are stored as NULL: SQL has no NaN in our columns and JSON has none at all.
 * - Retention: when a trial or baseline completes, its checkpoints and intermediate training rounds are deleted;
 *   its final artefacts stay. Running, failed and cancelled owners keep everything a retry resumes from
 *   (src/store/retention.ts; `hwsweep gc` removes older leftovers).
 * - Calls are safe to make concurrently from many workers; no call holds a lock across calls.
 */
export interface TrialStore {
  // --- sweeps -------------------------------------------------------------------------------------------------
  /**
   * Records a sweep and its trials. Trials are matched by config hash: known ones keep their number and state,
   * new ones get the next free numbers (in the order given), so relaunching a sweep with a larger spec extends it
   * without renumbering, dropping or re-running anything. Baselines the trials need are created PENDING.
   */
  registerSweep(s: SweepRecord): Promise<RegisterOutcome>;
  /** Sets the sweep's status. Only the sweep workflow calls it: the CLI reads state from Temporal first. */
  setSweepStatus(sweepId: string, status: RunStatus): Promise<void>;
  /** The sweep row, or undefined. */
  sweep(sweepId: string): Promise<SweepRow | undefined>;
  /** Number of trials in each state. */
  trialCounts(sweepId: string): Promise<TrialCounts>;
  /** PENDING and RUNNING trials become CANCELLED (a cancelled sweep leaves nothing unfinished). Returns how many. */
  cancelUnfinishedTrials(sweepId: string): Promise<number>;
  /**
   * Puts trials in the given states back to PENDING for a new attempt (`hwsweep retry`, a relaunch, a resume).
   * FAILED and CANCELLED runs are already in the attempt history; a RUNNING trial (only requeued when no workflow
   * of the sweep runs any more, i.e. it was interrupted) gets its history row here, as CANCELLED "interrupted".
   * COMPLETED trials are never requeued. Returns how many trials were requeued.
   */
  requeueTrials(sweepId: string, states: RequeueState[]): Promise<number>;
  /** Numbers of PENDING trials greater than `after`, ascending, at most `limit` (how the sweep workflow pages). */
  pendingTrials(sweepId: string, after: number, limit: number): Promise<number[]>;

  // --- trials -------------------------------------------------------------------------------------------------
  /** A trial by its number in the sweep; throws when there is none. */
  trialByNumber(sweepId: string, number: number): Promise<TrialRef>;
  /** A trial's full expanded configuration and state; throws when there is none. */
  trial(trialId: string): Promise<TrialRef>;
  /**
   * PENDING -> RUNNING with `attempt + 1` and cleared error. Returns `run: false` for a finished trial (the caller
   * skips it). A RUNNING trial answers `run: true` and keeps its attempt (see the idempotency invariant).
   */
  startTrial(trialId: string): Promise<{ run: boolean; attempt: number }>;
  /** Records the phase a trial entered and any results measured so far; a no-op on a finished trial. */
  recordTrialPhase(trialId: string, phase: string, patch?: TrialPatch): Promise<void>;
  /** The result columns measured so far. */
  trialResults(trialId: string): Promise<TrialPatch>;
  /** Final state of a trial and its attempt-history row; a no-op when it already finished (immutability). */
  finishTrial(trialId: string, outcome: TrialFinish): Promise<void>;
  /**
   * When another sweep has COMPLETED a trial with the same config hash (computed, not itself reused or a dry run),
   * copies its results (result columns, layer rows, simulations with their layer rows) onto this PENDING trial,
   * which becomes COMPLETED with `reusedFrom` set, all in one transaction. Returns the source trial id, or undefined
   * (nothing to reuse, or the trial is not PENDING).
   */
  reuseCompleted(trialId: string): Promise<string | undefined>;
  /** Upserts a trial's per-layer compression rows on (trial, layer), all or none. */
  recordLayerResults(trialId: string, rows: LayerResultRow[]): Promise<void>;
  /** Upserts one simulation on (trial, hardware hash) and its per-layer rows on (simulation, layer), all or none. */
  recordSimulation(trialId: string, sim: SimulationRow, layers: LayerSimulationRow[]): Promise<void>;

  // --- baselines ----------------------------------------------------------------------------------------------
  /** A baseline row; throws when there is none. */
  baseline(key: string): Promise<BaselineRow>;
  /** PENDING/FAILED -> RUNNING (a COMPLETED baseline is left alone). */
  markBaselineRunning(key: string): Promise<void>;
  /** RUNNING -> COMPLETED with its results (idempotent: a completed baseline is left alone). */
  completeBaseline(key: string, r: BaselineResult): Promise<void>;
  /** Any state but COMPLETED -> FAILED. */
  markBaselineFailed(key: string): Promise<void>;

  // --- training metrics and artefacts -------------------------------------------------------------------------
  /**
   * Upserts one epoch's metrics on (owner, phase, epoch) and, in the same transaction, the checkpoint artefact
   * that resumes after it: the stored rows always agree with the stored checkpoint.
   */
  recordEpoch(e: EpochRecord, checkpoint?: NewArtifact): Promise<void>;
  /**
   * How long one training epoch of this owner (trial id or baseline key) is expected to take, in ms: the longest
   * epoch it recorded itself, else the longest of its baseline, else the longest of any baseline of the same model,
   * width, dataset and data subsets; null when nothing comparable was ever measured.
   */
  epochTimeEstimateMs(ownerId: string): Promise<number | null>;
  /** Artefact bytes, or undefined when absent. Throws ARTIFACT_INVALID when the stored checksum does not match. */
  getArtifact(id: string): Promise<Uint8Array | undefined>;
  /** Upserts an artefact on its id. */
  putArtifact(a: NewArtifact): Promise<ArtifactRef>;
  /** Deletes artefacts by id (absent ids are ignored). Returns how many rows went. */
  deleteArtifacts(ids: string[]): Promise<number>;
}

/** What `registerSweep` stores. `trials` are in expansion order; `rejected` are reported, never run. */
export interface SweepRecord {
  id: string;
  name: string;
  spec: unknown;
  specHash: string;
  workflowId: string;
  trials: TrialConfig[];
  rejected: unknown[];
  /** Launch options (JSON) every later execution of the sweep reuses; kept as they are when omitted. */
  options?: Record<string, unknown>;
}

/** Trial states `requeueTrials` reopens. */
export type RequeueState = 'FAILED' | 'CANCELLED' | 'RUNNING';

export interface RegisterOutcome {
  /** Trials in the sweep after registration (old + new). */
  total: number;
  /** Trials this call added (0 on a plain retry of the call). */
  added: number;
}

export interface SweepRow {
  id: string;
  name: string;
  status: RunStatus;
  workflowId: string;
  trialCount: number;
  rejected: unknown;
  spec: unknown;
  options: unknown;
  createdAt: Date;
  finishedAt: Date | null;
}

export type TrialCounts = Record<RunStatus, number>;

export interface TrialRef {
  id: string;
  sweepId: string;
  number: number;
  baselineKey: string;
  label: string;
  status: RunStatus;
  attempt: number;
  reusedFrom: string | null;
  config: TrialConfig;
}

/** Result columns of a trial; omitted fields are left as they are. */
export type TrialPatch = Partial<
  Pick<
    Prisma.TrialUncheckedCreateInput,
    | 'baselineAccuracy'
    | 'prunedAccuracy'
    | 'retrainedAccuracy'
    | 'accuracy'
    | 'accuracyDrop'
    | 'achievedRatio'
    | 'weightsKept'
    | 'weightsTotal'
    | 'modelBytes'
    | 'compressionRatio'
    | 'activityAttempt'
  >
>;

export interface TrialFinish {
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  error?: string;
  errorType?: string;
  /** Phase to record; default `done` for COMPLETED (a dry run records `dry-run`), else the phase it failed in. */
  phase?: string;
}

/** One `layer_results` row without its keys (the store adds the trial id). */
export type LayerResultRow = Omit<Prisma.LayerResultUncheckedCreateInput, 'id' | 'trialId'>;
/** One `simulations` row without its keys; its natural key is (trial, `hardwareHash`). */
export type SimulationRow = Omit<Prisma.SimulationUncheckedCreateInput, 'id' | 'trialId' | 'layers'>;
/** One `layer_simulations` row without its keys; its natural key is (simulation, `layer`). */
export type LayerSimulationRow = Omit<Prisma.LayerSimulationUncheckedCreateInput, 'id' | 'simulationId'>;

export interface BaselineRow {
  key: string;
  model: string;
  width: number;
  dataset: string;
  seed: number;
  /** `{ recipe: BaselineRecipe, data: DataConfig }` as registered. */
  recipe: unknown;
  status: RunStatus;
  accuracy: number | null;
}

export interface BaselineResult {
  accuracy: number;
  loss: number;
  epochs: number;
  weightsTotal: number;
  artifactId: string;
}

export interface EpochRecord {
  ownerId: string;
  phase: string;
  /** The activity attempt that computed the epoch. */
  attempt: number;
  epoch: number;
  lr: number;
  loss: number;
  accuracy: number;
  valLoss?: number | undefined;
  valAccuracy?: number | undefined;
  durationMs: number;
}

export interface NewArtifact {
  id: string;
  kind: string;
  ownerId: string;
  bytes: Uint8Array;
}

export interface ArtifactRef {
  id: string;
  sha256: string;
  sizeBytes: number;
}

/** Natural ids of the artefacts the orchestration stores (one place, so retention and `gc` agree with writers). */
export const artifactIds = {
  /** Newest training checkpoint of an owner's phase (overwritten every epoch). */
  checkpoint: (owner: string, phase: string) => `ckpt/${owner}/${phase}`,
  /** Trained weights at a stage (`baseline`, `retrained`, `retrain-<k>` for gradual rounds). */
  weights: (owner: string, stage: string) => `weights/${owner}/${stage}`,
  /** Pruning masks (and their report) of a trial, or of one gradual round (`<trial>/retrain-<k>`). */
  masks: (trial: string) => `masks/${trial}`,
  /** The simulator's input of a trial (compressed network description). */
  simInput: (trial: string) => `sim/${trial}`,
  /**
   * A user-supplied model file (`encodeModelFiles`), stored at launch so workers need no shared filesystem. Shared
   * by content: keep it while any baseline's `recipe.modelFile.sha256` names it (baselines, retries and exports read it).
   */
  model: (sha256: string) => `model/${sha256}`,
  /** A compressed trial as evaluated (`encodeExportBundle`): a final output (what `hwsweep export` writes out), keep it. */
  exportBundle: (trial: string) => `export/${trial}`,
} as const;
