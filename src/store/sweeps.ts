import type { TrialConfig } from '../spec/index.js';
import { describeTrial } from '../spec/index.js';
import type { Db } from './db.js';
import type { Prisma } from './db.js';
import type { RunStatus } from '../generated/prisma/client.js';

/** Terminal trial states: a finished trial is immutable (only `requeueTrials` reopens failed/cancelled ones). */
export const TERMINAL: RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export function trialId(sweepId: string, configHash: string): string {
  return `${sweepId}/${configHash}`;
}

/** Typed columns of one trial (every swept parameter), from its expanded config. */
function trialColumns(sweepId: string, number: number, t: TrialConfig) {
  return {
    id: trialId(sweepId, t.configHash),
    sweepId,
    number,
    configHash: t.configHash,
    baselineKey: t.baselineKey,
    label: describeTrial(t),
    model: t.model,
    width: t.width,
    dataset: t.dataset,
    method: t.method,
    pruneRatio: t.pruneRatio,
    nominalRatio: t.nominalRatio,
    groupSize: t.groupSize,
    groupShape: t.groupShape,
    weightBits: t.weightBits,
    activationBits: t.activationBits,
    threshold: t.threshold ?? 'none',
    rounding: t.rounding ?? 'none',
    weightClusters: t.weightClusters,
    activationClusters: t.activationClusters,
    lrRule: t.retrain?.lrRule ?? 'none',
    retrainEpochs: t.retrain?.epochs ?? 0,
    seed: t.seed,
    config: t as unknown as Prisma.InputJsonValue,
  };
}

/**
 * Records a sweep, its trials (PENDING) and the baselines they need, idempotently: re-registering the same sweep id
 * inserts nothing twice (`createMany … skipDuplicates` on the natural keys), so the registering activity may retry.
 */
export async function registerSweep(
  db: Db,
  s: { id: string; name: string; spec: unknown; specHash: string; workflowId: string; trials: TrialConfig[]; rejected: unknown[] },
): Promise<void> {
  await db.sweep.upsert({
    where: { id: s.id },
    create: {
      id: s.id,
      name: s.name,
      spec: s.spec as Prisma.InputJsonValue,
      specHash: s.specHash,
      workflowId: s.workflowId,
      trialCount: s.trials.length,
      rejected: s.rejected as Prisma.InputJsonValue,
      status: 'RUNNING',
    },
    update: {},
  });
  const CHUNK = 1000;
  for (let i = 0; i < s.trials.length; i += CHUNK) {
    await db.trial.createMany({
      data: s.trials.slice(i, i + CHUNK).map((t, j) => trialColumns(s.id, i + j, t)),
      skipDuplicates: true,
    });
  }
  const baselines = new Map(s.trials.map((t) => [t.baselineKey, t]));
  await db.baseline.createMany({
    data: [...baselines.values()].map((t) => ({
      key: t.baselineKey,
      model: t.model,
      width: t.width,
      dataset: t.dataset,
      seed: t.seed,
      recipe: { recipe: t.baseline, data: t.data } as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
}

export async function loadTrialConfig(db: Db, id: string): Promise<{ config: TrialConfig; status: RunStatus }> {
  const row = await db.trial.findUniqueOrThrow({ where: { id }, select: { config: true, status: true } });
  return { config: row.config as unknown as TrialConfig, status: row.status };
}

/** Moves a trial to RUNNING (attempt+1) unless it already finished. Returns false for a finished trial. */
export async function startTrial(db: Db, id: string): Promise<boolean> {
  const r = await db.trial.updateMany({
    where: { id, status: { notIn: TERMINAL } },
    data: { status: 'RUNNING', attempt: { increment: 1 }, startedAt: new Date(), error: null, errorType: null },
  });
  return r.count === 1;
}

export async function setTrialPhase(db: Db, id: string, phase: string, data: Prisma.TrialUpdateManyMutationInput = {}): Promise<void> {
  await db.trial.updateMany({ where: { id, status: { notIn: TERMINAL } }, data: { ...data, phase } });
}

/** Final state of a trial; a no-op when it is already finished (finished trials are immutable). */
export async function finishTrial(
  db: Db,
  id: string,
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED',
  extra: { error?: string; errorType?: string } = {},
): Promise<void> {
  const row = await db.trial.findUnique({ where: { id }, select: { startedAt: true } });
  const now = new Date();
  await db.trial.updateMany({
    where: { id, status: { notIn: TERMINAL } },
    data: {
      status,
      finishedAt: now,
      durationMs: row?.startedAt ? now.getTime() - row.startedAt.getTime() : null,
      phase: status === 'COMPLETED' ? 'done' : undefined,
      error: extra.error ?? null,
      errorType: extra.errorType ?? null,
    },
  });
}

export async function trialCounts(db: Db, sweepId: string): Promise<Record<RunStatus, number>> {
  const rows = await db.trial.groupBy({ by: ['status'], where: { sweepId }, _count: { _all: true } });
  const out: Record<RunStatus, number> = { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, PAUSED: 0 };
  for (const r of rows) out[r.status] = r._count._all;
  return out;
}

export async function setSweepStatus(db: Db, id: string, status: RunStatus): Promise<void> {
  await db.sweep.update({ where: { id }, data: { status, finishedAt: TERMINAL.includes(status) ? new Date() : null } });
}
