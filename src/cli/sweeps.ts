import { readFileSync } from 'node:fs';
import { WorkflowNotFoundError } from '@temporalio/client';
import { hardwareProblem } from '../accel/index.js';
import { HwsweepError } from '../errors.js';
import { workflowUiUrl } from '../services/index.js';
import { buildSpace, createSampler, isAdaptive } from '../search/index.js';
import { createPrismaTrialStore } from '../store/prisma-store.js';
import type { StageSaving } from '../store/trial-store.js';
import { describeTrial, expandSpec, parseSpec, type SweepSpec, type TrialParams } from '../spec/index.js';
import type { RunStatus } from '../generated/prisma/client.js';
import { isTransientDbError } from '../store/db-retry.js';
import { trialCounts } from '../store/sweeps.js';
import { TaskQueues, changeSignal, progressQuery, resumeSignal, type SweepChange } from '../../workflows/shared.js';
import { sweepWorkflow, type SweepInput, type SweepResult } from '../../workflows/sweep.js';
import type { CliContext } from './context.js';
import { readSweepState, sweepWorkflowId, type SweepState } from './sweep-state.js';
import { uploadSpecModels } from './models.js';
import { progressRenderer } from './progress.js';

/** Reads and validates a spec file; accelerators are checked with the simulator's own resolver. */
export function readSpec(file: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HwsweepError('INVALID_SPEC', `cannot read spec file ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  return parseSpec(text, { file, validateAccelerator: hardwareProblem });
}

export interface Launched {
  sweepId: string;
  workflowId: string;
  uiUrl: string | undefined;
  /** True when the sweep's workflow was running and got the change as a signal (no new execution). */
  signalledRunning: boolean;
}

/** Options of `launch` that every later execution of the sweep (retry, resume) runs with again. */
export interface LaunchOptions {
  id?: string;
  heartbeatTimeoutMs?: number;
  trialsPerRun?: number;
  dryRun?: boolean;
  /** With dryRun: each trial still runs as a trial workflow, the path of a trial that computes (bench:orchestration). */
  dryRunWorkflows?: boolean;
  maxParallel?: number;
  /** Copy the results of configurations another sweep completed (default true). */
  reuse?: boolean;
}

/** What launching a spec under a sweep id does, computed before anything starts (printed by `launch`). */
export interface LaunchPlan {
  sweepId: string;
  /** Trials the spec expands to. */
  trials: number;
  /** Of those, configurations the sweep does not have yet. */
  added: number;
  /** Configurations the sweep already has, by state (they keep their number; finished ones do not run again). */
  known: Partial<Record<RunStatus, number>>;
  /** Grid points that are not run, each with its label and reason. */
  rejected: { label: string; reason: string }[];
  notes: string[];
}

/** Trials a launch would run: new configurations, plus unfinished and cancelled known ones. */
export function toRun(p: LaunchPlan): number {
  return p.added + (p.known.PENDING ?? 0) + (p.known.RUNNING ?? 0) + (p.known.PAUSED ?? 0) + (p.known.CANCELLED ?? 0);
}

/** The plan in words: what is new, what is kept, what is rejected and why. */
export function describePlan(p: LaunchPlan, existing: boolean): string[] {
  const lines: string[] = [];
  const kept = Object.entries(p.known)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`)
    .join(', ');
  lines.push(
    existing
      ? `${p.trials} trials in the spec: ${p.added} new${kept ? `, already in the sweep: ${kept}` : ''}`
      : `${p.trials} trial${p.trials === 1 ? '' : 's'}`,
  );
  if (p.rejected.length) {
    lines.push(`${p.rejected.length} combination${p.rejected.length === 1 ? '' : 's'} rejected (not run):`);
    for (const r of p.rejected) lines.push(`  ${r.label}: ${r.reason}`);
  }
  for (const n of p.notes) lines.push(`note: ${n}`);
  const failed = p.known.FAILED ?? 0;
  if (failed) lines.push(`note: ${failed} failed trial${failed === 1 ? ' is' : 's are'} kept as they are; re-run with \`hwsweep retry ${p.sweepId} --failed\``);
  return lines;
}

/** A sweep id from the spec name: `<name>-<yyyymmddhhmmss>-<4 random>`. */
export function newSweepId(spec: SweepSpec): string {
  return `${spec.name}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Expands the spec and compares it with the sweep's stored trials (none for a new id). */
export async function planLaunch(ctx: CliContext, spec: SweepSpec, sweepId: string): Promise<LaunchPlan> {
  const x = expandSpec(spec);
  const stored = await ctx.db.trial.findMany({ where: { sweepId }, select: { configHash: true, status: true } });
  const byHash = new Map(stored.map((t) => [t.configHash, t.status]));
  const known: Partial<Record<RunStatus, number>> = {};
  let added = 0;
  for (const t of x.trials) {
    const status = byHash.get(t.configHash);
    if (status === undefined) added++;
    else known[status] = (known[status] ?? 0) + 1;
  }
  const rejected = x.rejected.map((r) => ({ label: describeTrial(r.config as TrialParams), reason: r.reason }));
  if (isAdaptive(spec.strategy.type)) {
    // An adaptive sampler registers each trial when it proposes it: the plan is its budget, not the grid (for
    // an adaptive sampler `x.trials` is the whole grid: its search space).
    const budget = createSampler(spec.strategy, buildSpace(x.trials)).budget;
    const notes = [...x.notes, `${spec.strategy.type} chooses ${budget} of the ${x.trials.length} configurations as results come in`];
    return { sweepId, trials: budget, added: Math.max(0, budget - stored.length), known, rejected, notes };
  }
  return { sweepId, trials: x.trials.length, added, known, rejected, notes: x.notes };
}

/** What sharing stages saved in a sweep (per kind: results computed vs reused; retraining epochs). */
export async function stageSavings(ctx: CliContext, sweepId: string): Promise<StageSaving[]> {
  return await createPrismaTrialStore(ctx.db).stageSavings(sweepId);
}

/**
 * The saving in words: `stages: 6 retrained models computed, 6 reused (12 of 24 retraining epochs not run); …`.
 * Undefined when the sweep's trials used no stage (a dry run).
 */
export function formatSavings(rows: StageSaving[]): string | undefined {
  const names = { retrained: 'retrained models', compressed: 'compressed models', simulation: 'simulations' } as const;
  const parts = rows
    .filter((r) => r.computed + r.reused > 0)
    .map((r) => {
      const epochs = r.kind === 'retrained' && r.epochsReused > 0 ? ` (${r.epochsReused} of ${r.epochsComputed + r.epochsReused} retraining epochs not run)` : '';
      return `${r.computed} ${names[r.kind]} computed, ${r.reused} reused${epochs}`;
    });
  return parts.length ? `stages: ${parts.join('; ')}` : undefined;
}

/** The workflow input of an execution of `sweepId` (the spec itself travels in the `change` signal). */
function sweepInput(sweepId: string, spec: Pick<SweepSpec, 'maxParallel' | 'retry'>, o: LaunchOptions): SweepInput {
  return {
    sweepId,
    maxParallel: o.maxParallel ?? spec.maxParallel,
    retry: {
      maxAttempts: spec.retry.maxAttempts,
      initialIntervalMs: spec.retry.initialInterval,
      backoff: spec.retry.backoff,
      maximumIntervalMs: spec.retry.maximumInterval,
    },
    heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    reuse: o.reuse ?? true,
    ...(o.trialsPerRun ? { trialsPerRun: o.trialsPerRun } : {}),
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.dryRun && o.dryRunWorkflows ? { dryRunWorkflows: true } : {}),
  };
}

/**
 * Floor of the heartbeat timeout of training activities: a dead worker is noticed within about one measured epoch
 * or this, whichever is longer (`trainingHeartbeatTimeoutMs` in workflows/shared.ts).
 */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * Sends a change to the sweep's workflow, starting a new execution when none runs (`signalWithStart`: no race
 * between "is it running?" and "start it"). A running sweep applies the change live. `running`: whether the
 * caller just saw the workflow running (for the report only; asked when not given).
 */
async function sendChange(ctx: CliContext, input: SweepInput, change: SweepChange, running?: boolean): Promise<Launched> {
  const workflowId = sweepWorkflowId(input.sweepId);
  const signalledRunning = running ?? (await sweepWorkflowStatus(ctx, input.sweepId)) === 'RUNNING';
  await ctx.client.workflow.signalWithStart(sweepWorkflow, {
    taskQueue: TaskQueues.orchestration,
    workflowId,
    args: [input],
    signal: changeSignal,
    signalArgs: [change],
  });
  return { sweepId: input.sweepId, workflowId, uiUrl: workflowUiUrl(ctx.settings, workflowId), signalledRunning };
}

/**
 * Launches a spec as a new sweep, or under an existing id: the sweep is extended with the configurations it lacks
 * (known ones keep their number and state; finished ones never run again) and its CANCELLED trials run again.
 * FAILED trials stay as they are (`hwsweep retry --failed` re-runs them). `running`: whether the caller just saw
 * the sweep's workflow running (Temporal is asked when not given).
 */
export async function launchSweep(ctx: CliContext, spec: SweepSpec, opts: LaunchOptions = {}, running?: boolean): Promise<Launched> {
  const sweepId = opts.id ?? newSweepId(spec);
  await uploadSpecModels(ctx.db, spec); // workers load model files from the artifact store
  return await sendChange(ctx, sweepInput(sweepId, spec, opts), { spec, requeue: ['CANCELLED'] }, running);
}

/** The launch options and spec retry/resume start a new execution with (as the sweep was last launched). */
async function storedInput(ctx: CliContext, sweepId: string): Promise<SweepInput> {
  const row = await ctx.db.sweep.findUnique({ where: { id: sweepId } });
  if (!row) throw new HwsweepError('INVALID_ARGUMENT', `no sweep with id ${sweepId}`, { hint: 'list sweeps with `hwsweep status`' });
  const spec = row.spec as unknown as SweepSpec;
  const o = (row.options ?? {}) as LaunchOptions & { retry?: SweepInput['retry'] };
  const input = sweepInput(sweepId, spec, o);
  return o.retry ? { ...input, retry: o.retry } : input;
}

/**
 * Re-runs a sweep's trials in the given states in place (new attempt; the old outcome stays in
 * `trial_attempts`). Returns how many trials match; nothing starts when none does.
 */
export async function retrySweep(ctx: CliContext, sweepId: string, states: ('FAILED' | 'CANCELLED')[]): Promise<{ trials: number; launched?: Launched }> {
  const input = await storedInput(ctx, sweepId);
  const trials = await ctx.db.trial.count({ where: { sweepId, status: { in: states } } });
  if (trials === 0) return { trials };
  return { trials, launched: await sendChange(ctx, input, { requeue: states }) };
}

/**
 * Resumes a sweep: a running one starts trials again after a pause; a closed one (cancelled, terminated,
 * interrupted) runs its unfinished trials in a new execution. Returns undefined when nothing is left to run.
 */
export async function resumeSweep(ctx: CliContext, sweepId: string): Promise<{ unpaused: boolean; unfinished: number; launched?: Launched }> {
  const status = await sweepWorkflowStatus(ctx, sweepId);
  if (status === 'RUNNING') {
    await ctx.client.workflow.getHandle(sweepWorkflowId(sweepId)).signal(resumeSignal);
    return { unpaused: true, unfinished: 0 };
  }
  const input = await storedInput(ctx, sweepId);
  const unfinished = await ctx.db.trial.count({ where: { sweepId, status: { in: ['PENDING', 'RUNNING', 'CANCELLED', 'PAUSED'] } } });
  if (unfinished === 0) return { unpaused: false, unfinished };
  return { unpaused: false, unfinished, launched: await sendChange(ctx, input, { requeue: ['CANCELLED'] }, false) };
}

/** Queue names without a polling worker (so `launch` can say why nothing would happen). */
export async function queuesWithoutWorkers(ctx: CliContext): Promise<string[]> {
  const missing: string[] = [];
  for (const [name, taskQueue] of Object.entries(TaskQueues)) {
    const r = await ctx.client.workflowService
      .describeTaskQueue({ namespace: ctx.settings.temporalNamespace, taskQueue: { name: taskQueue }, taskQueueType: name === 'orchestration' ? 1 : 2 })
      .catch(() => undefined);
    if (r && (r.pollers?.length ?? 0) === 0) missing.push(name);
  }
  return missing;
}

/** The sweep workflow's Temporal status (`RUNNING`, `COMPLETED`, …), or undefined when Temporal has no such workflow. */
export async function sweepWorkflowStatus(ctx: CliContext, sweepId: string): Promise<string | undefined> {
  try {
    return (await ctx.client.workflow.getHandle(sweepWorkflowId(sweepId)).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export interface ProgressView {
  sweepId: string;
  /** RUNNING, PAUSED, CANCELLING while the workflow runs; its final state once closed (see {@link readSweepState}). */
  status: string;
  /** Where `status` comes from: the workflow (Temporal), or the sweep row when Temporal does not know the sweep. */
  statusSource: 'temporal' | 'database';
  total: number;
  pending: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Trials the sweep's pruner stopped early. */
  pruned: number;
  paused: boolean;
  maxParallel: number | null;
  startedAt: Date | null;
}

/** The sweep's state ({@link readSweepState}: one source of truth, its workflow), read through this context's client. */
export async function sweepState(ctx: CliContext, sweepId: string, dbStatus: string | undefined): Promise<SweepState> {
  return await readSweepState(
    {
      status: (id) => sweepWorkflowStatus(ctx, id),
      progress: (id) => ctx.client.workflow.getHandle(sweepWorkflowId(id)).query(progressQuery),
    },
    sweepId,
    dbStatus,
  );
}

/** Progress: counts from the database (always there), state from the workflow ({@link sweepState}). */
export async function sweepProgress(ctx: CliContext, sweepId: string): Promise<ProgressView> {
  const sweep = await ctx.db.sweep.findUnique({ where: { id: sweepId } });
  const counts = await trialCounts(ctx.db, sweepId);
  const state = await sweepState(ctx, sweepId, sweep?.status);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    sweepId,
    status: state.status,
    statusSource: state.source,
    total: Math.max(total, state.live?.total ?? 0),
    pending: counts.PENDING + counts.PAUSED,
    running: counts.RUNNING,
    completed: counts.COMPLETED,
    failed: counts.FAILED,
    cancelled: counts.CANCELLED,
    pruned: counts.PRUNED,
    paused: state.live?.paused ?? false,
    maxParallel: state.live?.maxParallel ?? null,
    startedAt: sweep?.createdAt ?? null,
  };
}

/** Waits for the sweep with a live progress bar (or one line per change when not on a terminal). */
export async function waitWithProgress(ctx: CliContext, sweepId: string): Promise<SweepResult> {
  const r = progressRenderer();
  try {
    return await waitForSweep(ctx, sweepId, (p) => r.update(p));
  } finally {
    r.stop();
  }
}

/** Waits for the sweep workflow to close, calling `onProgress` every `intervalMs`. */
export async function waitForSweep(
  ctx: CliContext,
  sweepId: string,
  onProgress: (p: ProgressView) => void,
  intervalMs = 1000,
): Promise<SweepResult> {
  const handle = ctx.client.workflow.getHandle<typeof sweepWorkflow>(sweepWorkflowId(sweepId));
  const result = handle.result();
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  // While the database restarts the sweep waits too; so does the progress display (it skips the update).
  const update = async (): Promise<void> => {
    try {
      onProgress(await sweepProgress(ctx, sweepId));
    } catch (err) {
      if (!isTransientDbError(err)) throw err;
    }
  };
  while (!done) {
    await update();
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  await update();
  return await result;
}
