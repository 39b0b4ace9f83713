import { readFileSync } from 'node:fs';
import { WorkflowNotFoundError } from '@temporalio/client';
import { resolveHardware } from '../accel/index.js';
import { HwsweepError } from '../errors.js';
import { workflowUiUrl } from '../services/index.js';
import { parseSpec, type SweepSpec } from '../spec/index.js';
import { trialCounts } from '../store/sweeps.js';
import { TaskQueues, progressQuery, type SweepProgress } from '../../workflows/shared.js';
import { sweepWorkflow, type SweepResult } from '../../workflows/sweep.js';
import { sweepWorkflowId, type CliContext } from './context.js';
import { progressRenderer } from './progress.js';

/** Reads and validates a spec file; accelerators are checked with the simulator's own resolver. */
export function readSpec(file: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HwsweepError('INVALID_SPEC', `cannot read spec file ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  return parseSpec(text, {
    file,
    validateAccelerator: (a) => {
      try {
        resolveHardware(a as string | object);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
}

export interface Launched {
  sweepId: string;
  workflowId: string;
  uiUrl: string | undefined;
}

/** Starts a SweepWorkflow (expansion and registration happen in its first activity). */
export async function launchSweep(
  ctx: CliContext,
  spec: SweepSpec,
  opts: { id?: string; heartbeatTimeoutMs?: number; trialsPerRun?: number; dryRun?: boolean; maxParallel?: number } = {},
): Promise<Launched> {
  const sweepId = opts.id ?? `${spec.name}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
  const workflowId = sweepWorkflowId(sweepId);
  await ctx.client.workflow.start(sweepWorkflow, {
    taskQueue: TaskQueues.orchestration,
    workflowId,
    args: [
      {
        sweepId,
        spec,
        maxParallel: opts.maxParallel ?? spec.maxParallel,
        retry: {
          maxAttempts: spec.retry.maxAttempts,
          initialIntervalMs: spec.retry.initialInterval,
          backoff: spec.retry.backoff,
          maximumIntervalMs: spec.retry.maximumInterval,
        },
        heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? 120_000,
        ...(opts.trialsPerRun ? { trialsPerRun: opts.trialsPerRun } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
      },
    ],
  });
  return { sweepId, workflowId, uiUrl: workflowUiUrl(ctx.settings, workflowId) };
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

export interface ProgressView {
  sweepId: string;
  status: string;
  total: number;
  pending: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
  paused: boolean;
  maxParallel: number | null;
  startedAt: Date | null;
}

/** Progress from the database (always available) refined by the workflow's progress query (when it runs). */
export async function sweepProgress(ctx: CliContext, sweepId: string): Promise<ProgressView> {
  const sweep = await ctx.db.sweep.findUnique({ where: { id: sweepId } });
  const counts = await trialCounts(ctx.db, sweepId);
  let live: SweepProgress | undefined;
  let status: string = sweep?.status ?? 'PENDING';
  try {
    const handle = ctx.client.workflow.getHandle(sweepWorkflowId(sweepId));
    const desc = await handle.describe();
    if (desc.status.name === 'RUNNING') live = await handle.query(progressQuery).catch(() => undefined);
    else if (!sweep) status = desc.status.name;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    if (!sweep) throw new HwsweepError('INVALID_ARGUMENT', `no sweep with id ${sweepId}`, { hint: 'list sweeps with `hwsweep status`' });
  }
  if (live?.paused) status = 'PAUSED';
  return {
    sweepId,
    status,
    total: live?.total ?? sweep?.trialCount ?? 0,
    pending: counts.PENDING,
    running: counts.RUNNING,
    completed: counts.COMPLETED,
    failed: counts.FAILED,
    cancelled: counts.CANCELLED,
    paused: live?.paused ?? false,
    maxParallel: live?.maxParallel ?? null,
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
  while (!done) {
    onProgress(await sweepProgress(ctx, sweepId));
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  onProgress(await sweepProgress(ctx, sweepId));
  return await result;
}
