import type { TrialConfig } from '../spec/index.js';
import { describeTrial } from '../spec/index.js';
import type { RunStatus } from '../generated/prisma/client.js';
import type { Db, Prisma } from './db.js';
import { finite } from './db.js';
import { releaseTransientArtifacts } from './retention.js';
import type {
  RegisterOutcome,
  RequeueState,
  SweepRecord,
  SweepRow,
  TrialCounts,
  TrialFinish,
  TrialOutcomeValues,
  TrialPatch,
  TrialRef,
} from './trial-store.js';
import { trialIdOf } from './trial-store.js';

/** Terminal trial states: a finished trial is immutable (only `requeueTrials` reopens failed/cancelled ones). */
export const TERMINAL: RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'PRUNED'];


/** Typed columns of one trial (every swept parameter), from its expanded config. */
export function trialColumns(sweepId: string, number: number, t: TrialConfig) {
  return {
    id: trialIdOf(sweepId, t.configHash),
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
    narrowConvs: t.narrowConvs,
    schedule: t.schedule,
    scheduleSteps: t.scheduleSteps,
    rowsKept: t.rowsKept,
    fcPolicy: t.fcPolicy,
    fcRatio: t.fcRatio,
    weightBits: t.weightBits,
    weightFormat: t.weightFormat ?? null,
    pow2SignBased: t.pow2SignBased ?? null,
    activationBits: t.activationBits,
    threshold: t.threshold ?? 'none',
    rounding: t.rounding ?? 'none',
    weightClusters: t.weightClusters,
    activationClusters: t.activationClusters,
    clusterInit: t.clusterInit,
    lrRule: t.retrain?.lrRule ?? 'none',
    retrainEpochs: t.retrain?.epochs ?? 0,
    seed: t.seed,
    config: t as unknown as Prisma.InputJsonValue,
  };
}

/** See {@link TrialStore.registerSweep}: numbers are assigned under the sweep row's lock, once per config hash. */
export async function registerSweep(db: Db, s: SweepRecord): Promise<RegisterOutcome> {
  return await db.$transaction(
    async (tx) => {
      // The upsert locks the sweep row until commit: concurrent registrations of one sweep number trials in turn.
      await tx.sweep.upsert({
        where: { id: s.id },
        create: {
          id: s.id,
          name: s.name,
          spec: s.spec as Prisma.InputJsonValue,
          specHash: s.specHash,
          workflowId: s.workflowId,
          rejected: s.rejected as Prisma.InputJsonValue,
          options: (s.options ?? {}) as Prisma.InputJsonValue,
          status: 'RUNNING',
        },
        update: {
          ...(s.options ? { options: s.options as Prisma.InputJsonValue } : {}),
          spec: s.spec as Prisma.InputJsonValue,
          specHash: s.specHash,
          workflowId: s.workflowId,
          rejected: s.rejected as Prisma.InputJsonValue,
          status: 'RUNNING',
          finishedAt: null,
        },
      });
      const known = await tx.trial.findMany({ where: { sweepId: s.id }, select: { configHash: true, number: true } });
      const hashes = new Set(known.map((k) => k.configHash));
      let next = known.reduce((m, k) => Math.max(m, k.number + 1), 0);
      const fresh: ReturnType<typeof trialColumns>[] = [];
      for (const t of s.trials) {
        if (hashes.has(t.configHash)) continue;
        hashes.add(t.configHash);
        fresh.push(trialColumns(s.id, next++, t));
      }
      const CHUNK = 1000;
      for (let i = 0; i < fresh.length; i += CHUNK) await tx.trial.createMany({ data: fresh.slice(i, i + CHUNK) });
      const total = known.length + fresh.length;
      await tx.sweep.update({ where: { id: s.id }, data: { trialCount: total } });
      await tx.baseline.createMany({ data: baselineRows(s.trials), skipDuplicates: true });
      return { total, added: fresh.length };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** The PENDING `baselines` rows the trials need (one per baseline key). */
export function baselineRows(trials: TrialConfig[]) {
  const baselines = new Map(trials.map((t) => [t.baselineKey, t]));
  return [...baselines.values()].map((t) => ({
    key: t.baselineKey,
    model: t.model,
    width: t.width,
    dataset: t.dataset,
    seed: t.seed,
    recipe: { recipe: t.baseline, data: t.data, ...(t.modelFile ? { modelFile: t.modelFile } : {}) } as unknown as Prisma.InputJsonValue,
  }));
}

export async function sweepRow(db: Db, id: string): Promise<SweepRow | undefined> {
  const r = await db.sweep.findUnique({ where: { id } });
  return r ?? undefined;
}

const TRIAL_REF = {
  id: true,
  sweepId: true,
  number: true,
  baselineKey: true,
  label: true,
  status: true,
  attempt: true,
  reusedFrom: true,
  config: true,
} as const;

function toRef(r: Omit<TrialRef, 'config'> & { config: unknown }): TrialRef {
  return { ...r, config: r.config as TrialConfig };
}

export async function trialByNumber(db: Db, sweepId: string, number: number): Promise<TrialRef> {
  return toRef(await db.trial.findUniqueOrThrow({ where: { sweepId_number: { sweepId, number } }, select: TRIAL_REF }));
}

export async function trialRef(db: Db, id: string): Promise<TrialRef> {
  return toRef(await db.trial.findUniqueOrThrow({ where: { id }, select: TRIAL_REF }));
}

/** See {@link TrialStore.startTrial}. */
export async function startTrial(db: Db, id: string): Promise<{ run: boolean; attempt: number }> {
  for (;;) {
    const row = await db.trial.findUniqueOrThrow({ where: { id }, select: { status: true, attempt: true } });
    if (TERMINAL.includes(row.status)) return { run: false, attempt: row.attempt };
    if (row.status === 'RUNNING') return { run: true, attempt: row.attempt };
    const r = await db.trial.updateMany({
      where: { id, status: row.status },
      data: { status: 'RUNNING', attempt: { increment: 1 }, startedAt: new Date(), error: null, errorType: null, activityAttempt: null },
    });
    if (r.count === 1) return { run: true, attempt: row.attempt + 1 };
    // Another caller moved it meanwhile: decide again on the new state.
  }
}

const FLOAT_RESULTS = [
  'baselineAccuracy',
  'prunedAccuracy',
  'retrainedAccuracy',
  'accuracy',
  'accuracyDrop',
  'achievedRatio',
  'modelBytes',
  'compressionRatio',
] as const;

/** Non-finite floats become NULL; other fields pass through. */
function finitePatch(p: TrialPatch): TrialPatch {
  const out: TrialPatch = { ...p };
  for (const k of FLOAT_RESULTS) if (typeof p[k] === 'number') out[k] = finite(p[k]);
  return out;
}

export async function recordTrialPhase(db: Db, id: string, phase: string, patch: TrialPatch = {}): Promise<void> {
  await db.trial.updateMany({ where: { id, status: { notIn: TERMINAL } }, data: { ...finitePatch(patch), phase } });
}

export async function trialResults(db: Db, id: string): Promise<TrialPatch> {
  return await db.trial.findUniqueOrThrow({
    where: { id },
    select: {
      baselineAccuracy: true,
      prunedAccuracy: true,
      retrainedAccuracy: true,
      accuracy: true,
      accuracyDrop: true,
      achievedRatio: true,
      weightsKept: true,
      weightsTotal: true,
      modelBytes: true,
      compressionRatio: true,
      activityAttempt: true,
    },
  });
}

/** What `finishTrial` runs on: the client or an open transaction (stage adoption finishes a trial in its own one). */
type Exec = Pick<Db, '$executeRaw' | '$executeRawUnsafe'>;

/**
 * Final state of a trial plus its attempt-history row, in one statement; a no-op when the trial already finished
 * (finished trials are immutable). COMPLETED records phase `done` unless told otherwise; other states keep the
 * phase the trial was in, so a failure says where it happened.
 */
export async function finishTrial(db: Exec, id: string, f: TrialFinish): Promise<void> {
  const phase = f.phase ?? (f.status === 'COMPLETED' ? 'done' : null);
  await db.$executeRaw`
    with t as (
      update trials set status = ${f.status}::"RunStatus", finished_at = now(), updated_at = now(),
        duration_ms = extract(epoch from now() - started_at) * 1000, phase = coalesce(${phase}::text, phase),
        error = ${f.error ?? null}::text, error_type = ${f.errorType ?? null}::text,
        stopped_epoch = ${f.stoppedEpoch ?? null}::int, stopped_rung = ${f.stoppedRung ?? null}::int,
        reused_from = coalesce(${f.reusedFrom ?? null}::text, reused_from)
      where id = ${id} and not (status::text = any(${TERMINAL}::text[]))
      returning id, greatest(attempt, 1) as attempt, status, phase, error, error_type, activity_attempt, started_at, finished_at)
    insert into trial_attempts (trial_id, attempt, status, phase, error, error_type, activity_attempt, started_at, finished_at)
    select * from t
    on conflict (trial_id, attempt) do update set status = excluded.status, phase = excluded.phase, error = excluded.error,
      error_type = excluded.error_type, activity_attempt = excluded.activity_attempt, finished_at = excluded.finished_at`;
  // Retention: a completed trial needs its final artefacts only (a failed or cancelled one keeps all for a retry).
  if (f.status === 'COMPLETED') await releaseTransientArtifacts(db, id);
}

export async function trialCounts(db: Db, sweepId: string): Promise<TrialCounts> {
  const rows = await db.trial.groupBy({ by: ['status'], where: { sweepId }, _count: { _all: true } });
  const out: TrialCounts = { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, PAUSED: 0, PRUNED: 0 };
  for (const r of rows) out[r.status] = r._count._all;
  return out;
}

/** PENDING/RUNNING -> CANCELLED; trials that had started get their attempt-history row. */
export async function cancelUnfinishedTrials(db: Db, sweepId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    with t as (
      update trials set status = 'CANCELLED', finished_at = now(), updated_at = now(),
        duration_ms = extract(epoch from now() - started_at) * 1000
      where sweep_id = ${sweepId} and status in ('PENDING', 'RUNNING', 'PAUSED')
      returning id, attempt, status, phase, activity_attempt, started_at, finished_at),
    h as (
      insert into trial_attempts (trial_id, attempt, status, phase, activity_attempt, started_at, finished_at)
      select id, attempt, status, phase, activity_attempt, started_at, finished_at from t where attempt >= 1
      on conflict (trial_id, attempt) do nothing)
    select count(*)::int as n from t`;
  return rows[0]?.n ?? 0;
}

/** See {@link TrialStore.requeueTrials}. COMPLETED is never requeued, whatever `states` says. */
export async function requeueTrials(db: Db, sweepId: string, states: RequeueState[]): Promise<number> {
  const wanted = states.filter((x) => x === 'FAILED' || x === 'CANCELLED' || x === 'RUNNING');
  if (wanted.length === 0) return 0;
  const rows = await db.$queryRaw<{ n: number }[]>`
    with old as (
      select id, status, attempt, phase, activity_attempt, started_at from trials
      where sweep_id = ${sweepId} and status::text = any(${wanted}::text[]) for update),
    h as (
      insert into trial_attempts (trial_id, attempt, status, phase, error, error_type, activity_attempt, started_at)
      select id, attempt, 'CANCELLED', phase, 'interrupted: the sweep workflow stopped while this trial ran', 'INTERRUPTED',
        activity_attempt, started_at
      from old where status = 'RUNNING' and attempt >= 1
      on conflict (trial_id, attempt) do nothing),
    u as (
      update trials t set status = 'PENDING', error = null, error_type = null, finished_at = null, duration_ms = null,
        updated_at = now()
      from old where t.id = old.id returning t.id)
    select count(*)::int as n from u`;
  return rows[0]?.n ?? 0;
}

export async function pendingTrials(db: Db, sweepId: string, after: number, limit: number): Promise<number[]> {
  const rows = await db.trial.findMany({
    where: { sweepId, status: 'PENDING', number: { gt: after } },
    orderBy: { number: 'asc' },
    take: limit,
    select: { number: true },
  });
  return rows.map((r) => r.number);
}

/** Sets the sweep's status; a sweep without a row (nothing registered yet) is left alone. */
export async function setSweepStatus(db: Db, id: string, status: RunStatus): Promise<void> {
  await db.sweep.updateMany({ where: { id }, data: { status, finishedAt: TERMINAL.includes(status) ? new Date() : null } });
}

/** See {@link TrialStore.trialOutcome}. */
export async function trialOutcome(db: Db, id: string): Promise<TrialOutcomeValues> {
  const results = await trialResults(db, id);
  const speedups = await db.simulation.findMany({ where: { trialId: id }, select: { accelerator: true, speedup: true }, orderBy: { accelerator: 'asc' } });
  return { results, speedups };
}
