import type { TrialConfig } from '../spec/index.js';
import type { SearchEvent } from '../search/strategy.js';
import type { StageKind } from '../trial/stage-keys.js';
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
  /** Objective values of a finished trial: its result columns and its speedup on each accelerator (by name). */
  trialOutcome(trialId: string): Promise<TrialOutcomeValues>;
  /** Upserts a trial's per-layer compression rows on (trial, layer), all or none. */
  recordLayerResults(trialId: string, rows: LayerResultRow[]): Promise<void>;
  /** Upserts one simulation on (trial, hardware hash) and its per-layer rows on (simulation, layer), all or none. */
  recordSimulation(trialId: string, sim: SimulationRow, layers: LayerSimulationRow[]): Promise<void>;

  // --- stages -------------------------------------------------------------------------------------------------
  /**
   * Registers the stages a trial needs (absent ones are created `pending` with their inputs; a stage's key is its
   * identity, its row is shared by every trial and sweep) and links them to the trial (`trial_stages`). Returns
   * each stage's state, `usable` when it is completed and may serve this trial: always with `reuse`, otherwise
   * only when a trial of the same sweep computed it.
   */
  planStages(trialId: string, opts: { sweepId: string; reuse: boolean }, needs: StageNeed[]): Promise<(StageState & { usable: boolean })[]>;
  /** The current state of stages (absent keys are left out). */
  stageStates(keys: string[]): Promise<StageState[]>;
  /**
   * Claims a stage for computing, under its row lock: `done` when it is completed and usable by this trial (nothing
   * to compute); `reset` when it is completed but must be recomputed (no reuse, computed by another sweep): its
   * result, its artefacts and its epoch rows (everything owned by the key) are deleted; otherwise `claimed` (now
   * `running`; a stage with epochs done resumes, keeping its first computer).
   */
  claimStage(key: string, by: { trialId: string; sweepId: string; reuse: boolean }): Promise<StageClaim>;
  /** Merges `result` into a running stage's result and records its epochs / status (`partial`: stopped early). */
  recordStageProgress(key: string, p: { result?: Record<string, unknown>; epochsDone?: number; status?: 'running' | 'partial' }): Promise<void>;
  /** Running -> `completed` with its result merged in. A completed stage is immutable (until a `reset` claim). */
  completeStage(key: string, result: Record<string, unknown>, epochsDone?: number): Promise<void>;
  /** Stages not completed -> `failed` (with the error) or `cancelled`; completed ones are left alone. */
  failStages(keys: string[], status: 'failed' | 'cancelled', error: string | null): Promise<void>;
  /**
   * Copies completed stage results onto an unfinished trial in one transaction: result columns, `layer_results`,
   * `simulations` (under the trial's accelerator names) with their layers; settles `trial_stages.computed` (did
   * this trial compute it?); with `finish`, finishes the trial too. Returns false (and changes nothing) for a
   * finished trial; throws STAGE_FAILED when a stage is not completed.
   */
  adoptStages(trialId: string, a: StageAdoption): Promise<boolean>;
  /** Per stage kind: how many stage results the sweep's trials computed and reused, and the epochs of each. */
  stageSavings(sweepId: string): Promise<StageSaving[]>;

  // --- search log ---------------------------------------------------------------------------------------------
  /** The sweep's search events in decision order. */
  searchLog(sweepId: string): Promise<LoggedEvent[]>;
  /**
   * Runs `decide` on the sweep's search log while holding the sweep row's lock, then appends the events it
   * returns (registering proposed trials that are new to the sweep), all in one transaction: every decision
   * sees every earlier one, and two deciders never interleave. Appends are unique per `kind/trial[/step]`.
   */
  decideSearch<T>(sweepId: string, decide: (log: LoggedEvent[]) => SearchDecision<T>): Promise<T>;

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
  /** An owner's epoch metrics of one phase, by epoch (what pruners read at their rungs). */
  epochMetrics(ownerId: string, phase: string): Promise<EpochRecord[]>;
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
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'PRUNED';
  error?: string;
  errorType?: string;
  /** Phase to record; default `done` for COMPLETED (a dry run records `dry-run`), else the phase it failed in. */
  phase?: string;
  /** PRUNED: retraining epochs done when the pruner stopped it, and the rung (0-based) it reached. */
  stoppedEpoch?: number;
  stoppedRung?: number;
  /** A trial that computed nothing: the trial that computed the results it copied. */
  reusedFrom?: string;
}

/** Result columns and per-accelerator speedups of a trial (what objectives and constraints are computed from). */
export interface TrialOutcomeValues {
  results: TrialPatch;
  speedups: { accelerator: string; speedup: number | null }[];
}

/** `pending` | `running` | `partial` (retraining stopped early, resumable) | `completed` | `failed` | `cancelled`. */
export type StageStatus = 'pending' | 'running' | 'partial' | 'completed' | 'failed' | 'cancelled';

export interface StageState {
  key: string;
  kind: StageKind;
  status: StageStatus;
  /** Retraining epochs done (retrained stages). */
  epochsDone: number;
  error: string | null;
  /** The trial that computed it, and that trial's sweep. */
  computedBy: string | null;
  sweepId: string | null;
}

/** A stage a trial needs: its kind, key and hashed inputs, and for a simulation the trial's accelerator name. */
export interface StageNeed {
  kind: StageKind;
  key: string;
  inputs: Record<string, unknown>;
  accelerator?: string;
}

export type StageClaim = 'done' | 'claimed' | 'reset';

/** What `adoptStages` copies and, optionally, how it finishes the trial. */
export interface StageAdoption {
  keys: string[];
  /** Phase to record on the trial. */
  phase?: string;
  finish?: TrialFinish;
}

/** A retrained stage's result (fractions; weights counted over every prunable layer). */
export interface RetrainedResult {
  baselineAccuracy: number | null;
  prunedAccuracy: number | null;
  achievedRatio: number;
  weightsKept: number;
  weightsTotal: number;
  /** null when nothing is retrained (method none, 0 epochs). */
  retrainedAccuracy: number | null;
}

/** A compressed stage's result: the evaluated accuracy, storage, and its `layer_results` rows. */
export interface CompressedResult {
  accuracy: number | null;
  accuracyDrop: number | null;
  modelBytes: number;
  compressionRatio: number;
  layers: LayerResultRow[];
}

/** A simulation stage's result: its `simulations` row (the accelerator name is the adopting trial's) and layers. */
export interface SimulationResult {
  simulation: SimulationRow;
  layers: LayerSimulationRow[];
}

/** Stage results a sweep's trials computed and reused, per kind, with retraining epochs (`retrained` only). */
export interface StageSaving {
  kind: StageKind;
  computed: number;
  reused: number;
  epochsComputed: number;
  epochsReused: number;
}

/** A search event as stored: its sequence number and the trial row it is about. */
export interface LoggedEvent {
  seq: number;
  trialId: string | null;
  event: SearchEvent;
}

/** An event to append; `register` inserts the proposed trial's row (new configurations of adaptive samplers). */
export interface SearchAppend {
  event: SearchEvent;
  trialId?: string;
  register?: TrialConfig;
}

export interface SearchDecision<T> {
  append: SearchAppend[];
  result: T;
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

/** A trial's id: unique per (sweep, configuration), so registering the same configuration twice finds the same row. */
export function trialIdOf(sweepId: string, configHash: string): string {
  return `${sweepId}/${configHash}`;
}

/** Natural ids of the artefacts the orchestration stores (one place, so retention and `gc` agree with writers). */
export const artifactIds = {
  /** Newest training checkpoint of an owner's phase (overwritten every epoch); owner = baseline or stage key. */
  checkpoint: (owner: string, phase: string) => `ckpt/${owner}/${phase}`,
  /** Trained weights at a stage (`baseline`, `retrained`, `retrain-<k>` for gradual rounds). */
  weights: (owner: string, stage: string) => `weights/${owner}/${stage}`,
  /** Pruning masks (and their report) of a retrained stage, or of one gradual round (`<stage>/retrain-<k>`). */
  masks: (stage: string) => `masks/${stage}`,
  /** The simulator's input of a compressed stage (compressed network description). */
  simInput: (stage: string) => `sim/${stage}`,
  /**
   * A user-supplied model file (`encodeModelFiles`), stored at launch so workers need no shared filesystem. Shared
   * by content: keep it while any baseline's `recipe.modelFile.sha256` names it (baselines, retries and exports read it).
   */
  model: (sha256: string) => `model/${sha256}`,
  /**
   * A compressed stage as evaluated (`encodeExportBundle`): a final output (what `hwsweep export` writes out), keep
   * it. Trials that ran before stages existed have theirs under the trial id.
   */
  exportBundle: (stage: string) => `export/${stage}`,
} as const;
