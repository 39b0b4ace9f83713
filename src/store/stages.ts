import { HwsweepError } from '../errors.js';
import { Prisma, type Db } from './db.js';
import { finite } from './db.js';
import { releaseTransientArtifacts } from './retention.js';
import { finishTrial, TERMINAL } from './sweeps.js';
import type {
  CompressedResult,
  RetrainedResult,
  SimulationResult,
  StageAdoption,
  StageClaim,
  StageNeed,
  StageSaving,
  StageState,
  StageStatus,
  TrialPatch,
} from './trial-store.js';

/**
 * Stage persistence (see {@link TrialStore} "stages"): one `stages` row per content key, shared by every trial
 * that needs it, and one `trial_stages` row per (trial, stage) saying which results the trial used.
 */

type Tx = Prisma.TransactionClient;

const STATE = {
  key: true,
  kind: true,
  status: true,
  epochsDone: true,
  error: true,
  computedBy: true,
  sweepId: true,
} as const;

function toState(r: { key: string; kind: string; status: string; epochsDone: number; error: string | null; computedBy: string | null; sweepId: string | null }): StageState {
  return { ...r, kind: r.kind as StageState['kind'], status: r.status as StageStatus };
}

/** Whether a completed stage may serve a trial of `sweepId`: always with reuse, else only when computed in that sweep. */
function usable(s: Pick<StageState, 'status' | 'sweepId'>, sweepId: string, reuse: boolean): boolean {
  return s.status === 'completed' && (reuse || s.sweepId === sweepId);
}

/** See {@link TrialStore.planStages}. */
export async function planStages(
  db: Db,
  trialId: string,
  opts: { sweepId: string; reuse: boolean },
  needs: StageNeed[],
): Promise<(StageState & { usable: boolean })[]> {
  if (needs.length === 0) return [];
  await db.$transaction([
    db.stage.createMany({
      data: needs.map((n) => ({ key: n.key, kind: n.kind, inputs: n.inputs as Prisma.InputJsonValue })),
      skipDuplicates: true,
    }),
    db.trialStage.createMany({
      data: needs.map((n) => ({ trialId, stageKey: n.key, kind: n.kind, accelerator: n.accelerator ?? null })),
      skipDuplicates: true,
    }),
  ]);
  const rows = await db.stage.findMany({ where: { key: { in: needs.map((n) => n.key) } }, select: STATE });
  const byKey = new Map(rows.map((r) => [r.key, toState(r)]));
  return needs.map((n) => {
    const s = byKey.get(n.key);
    if (!s) throw new HwsweepError('INVALID_ARGUMENT', `stage ${n.key} vanished while it was planned`, { context: { stage: n.key } });
    return { ...s, usable: usable(s, opts.sweepId, opts.reuse) };
  });
}

export async function stageStates(db: Db, keys: string[]): Promise<StageState[]> {
  const rows = await db.stage.findMany({ where: { key: { in: keys } }, select: STATE });
  return rows.map(toState);
}

/** See {@link TrialStore.claimStage}. */
export async function claimStage(db: Db, key: string, by: { trialId: string; sweepId: string; reuse: boolean }): Promise<StageClaim> {
  return await db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: string; sweep_id: string | null; epochs_done: number }[]>`
      select status, sweep_id, epochs_done from stages where key = ${key} for update`;
    if (!row) throw new HwsweepError('INVALID_ARGUMENT', `no stage ${key}`, { context: { stage: key } });
    if (usable({ status: row.status as StageStatus, sweepId: row.sweep_id }, by.sweepId, by.reuse)) return 'done';
    if (row.status === 'completed') {
      // No reuse, and computed by another sweep: compute it again from nothing. Its artefacts and epoch rows go
      // with its result (the stored rows must agree with the stored checkpoint).
      await tx.artifact.deleteMany({ where: { ownerId: key } });
      await tx.epochMetric.deleteMany({ where: { ownerId: key } });
      await tx.stage.update({
        where: { key },
        data: { status: 'running', epochsDone: 0, result: Prisma.DbNull, error: null, computedBy: by.trialId, sweepId: by.sweepId, startedAt: new Date(), finishedAt: null },
      });
      return 'reset';
    }
    // A fresh start is this trial's computation; a resumed one (epochs already done) keeps its first computer.
    const fresh = row.epochs_done === 0;
    await tx.$executeRaw`
      update stages set status = 'running', error = null, finished_at = null,
        computed_by = case when ${fresh} or computed_by is null then ${by.trialId} else computed_by end,
        sweep_id = case when ${fresh} or sweep_id is null then ${by.sweepId} else sweep_id end,
        started_at = coalesce(started_at, now())
      where key = ${key}`;
    return 'claimed';
  });
}

/** See {@link TrialStore.recordStageProgress}. */
export async function recordStageProgress(
  db: Db,
  key: string,
  p: { result?: Record<string, unknown>; epochsDone?: number; status?: 'running' | 'partial' },
): Promise<void> {
  const patch = JSON.stringify(p.result ?? {});
  await db.$executeRaw`
    update stages set result = coalesce(result, '{}'::jsonb) || ${patch}::jsonb,
      epochs_done = coalesce(${p.epochsDone ?? null}::int, epochs_done),
      status = coalesce(${p.status ?? null}::text, status),
      finished_at = case when ${p.status ?? null}::text = 'partial' then now() else finished_at end
    where key = ${key} and status <> 'completed'`;
}

/** See {@link TrialStore.completeStage}. */
export async function completeStage(db: Db, key: string, result: Record<string, unknown>, epochsDone?: number): Promise<void> {
  const patch = JSON.stringify(result);
  await db.$executeRaw`
    update stages set status = 'completed', result = coalesce(result, '{}'::jsonb) || ${patch}::jsonb,
      epochs_done = coalesce(${epochsDone ?? null}::int, epochs_done), error = null, finished_at = now()
    where key = ${key} and status <> 'completed'`;
  // Retention: a completed stage needs its final artefacts only (checkpoints and intermediate rounds go).
  await releaseTransientArtifacts(db, key);
}

/** See {@link TrialStore.failStages}. */
export async function failStages(db: Db, keys: string[], status: 'failed' | 'cancelled', error: string | null): Promise<void> {
  if (keys.length === 0) return;
  await db.stage.updateMany({
    where: { key: { in: keys }, status: { not: 'completed' } },
    data: { status, error, finishedAt: new Date() },
  });
}

const num = (x: unknown): number | null => finite(typeof x === 'number' ? x : null);

/** The trial columns a stage result fills. */
function patchOf(kind: string, result: unknown): TrialPatch {
  if (kind === 'retrained') {
    const r = result as Partial<RetrainedResult>;
    return {
      baselineAccuracy: num(r.baselineAccuracy),
      prunedAccuracy: num(r.prunedAccuracy),
      achievedRatio: num(r.achievedRatio),
      weightsKept: num(r.weightsKept),
      weightsTotal: num(r.weightsTotal),
      retrainedAccuracy: num(r.retrainedAccuracy),
    };
  }
  if (kind === 'compressed') {
    const r = result as Partial<CompressedResult>;
    return { accuracy: num(r.accuracy), accuracyDrop: num(r.accuracyDrop), modelBytes: num(r.modelBytes), compressionRatio: num(r.compressionRatio) };
  }
  return {};
}

/**
 * See {@link TrialStore.adoptStages}: copies completed stage results onto an unfinished trial (result columns,
 * `layer_results`, `simulations` with their layers under the trial's accelerator names), settles
 * `trial_stages.computed`, and with `finish` finishes the trial in the same transaction.
 */
export async function adoptStages(db: Db, trialId: string, a: StageAdoption): Promise<boolean> {
  return await db.$transaction(
    async (tx) => {
      const trial = await tx.trial.findUnique({ where: { id: trialId }, select: { status: true } });
      if (!trial) throw new HwsweepError('INVALID_ARGUMENT', `no trial ${trialId}`, { context: { trial: trialId } });
      if (TERMINAL.includes(trial.status)) return false;
      const stages = await tx.stage.findMany({ where: { key: { in: a.keys } } });
      const links = new Map(
        (await tx.trialStage.findMany({ where: { trialId, stageKey: { in: a.keys } } })).map((l) => [l.stageKey, l]),
      );
      const patch: TrialPatch = {};
      for (const key of a.keys) {
        const s = stages.find((x) => x.key === key);
        if (!s || s.status !== 'completed') {
          throw new HwsweepError('STAGE_FAILED', `stage ${key} of trial ${trialId} is ${s?.status ?? 'missing'}, not completed`, {
            context: { trial: trialId, stage: key },
          });
        }
        Object.assign(patch, patchOf(s.kind, s.result));
        if (s.kind === 'compressed') await adoptLayers(tx, trialId, (s.result as unknown as CompressedResult).layers ?? []);
        if (s.kind === 'simulation') {
          const accelerator = links.get(key)?.accelerator;
          if (!accelerator) throw new HwsweepError('INVALID_ARGUMENT', `trial ${trialId} does not use simulation stage ${key}`, { context: { trial: trialId, stage: key } });
          await adoptSimulation(tx, trialId, accelerator, s.result as unknown as SimulationResult);
        }
        await tx.trialStage.updateMany({ where: { trialId, stageKey: key }, data: { computed: s.computedBy === trialId } });
      }
      const data: TrialPatch = {};
      for (const [k, v] of Object.entries(patch) as [keyof TrialPatch, number | null][]) if (v !== null) data[k] = v as never;
      await tx.trial.updateMany({ where: { id: trialId, status: { notIn: TERMINAL } }, data: { ...data, ...(a.phase ? { phase: a.phase } : {}) } });
      if (a.finish) await finishTrial(tx, trialId, a.finish);
      return true;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

async function adoptLayers(tx: Tx, trialId: string, layers: CompressedResult['layers']): Promise<void> {
  await tx.layerResult.deleteMany({ where: { trialId } });
  if (layers.length) await tx.layerResult.createMany({ data: layers.map((l) => ({ ...l, trialId })) });
}

async function adoptSimulation(tx: Tx, trialId: string, accelerator: string, r: SimulationResult): Promise<void> {
  await tx.simulation.deleteMany({ where: { trialId, hardwareHash: r.simulation.hardwareHash } });
  const sim = await tx.simulation.create({ data: { ...r.simulation, accelerator, trialId }, select: { id: true } });
  if (r.layers.length) await tx.layerSimulation.createMany({ data: r.layers.map((l) => ({ ...l, simulationId: sim.id })) });
}

/**
 * See {@link TrialStore.stageSavings}. Counted per use of a stage by a trial of the sweep that finished through its
 * stages (COMPLETED; PRUNED: its retrained stage only, up to the epoch it stopped at). A stage the sweep computed
 * (`stages.computed_by` one of its trials) counts once as computed; a retrained stage another sweep started and this
 * one resumed counts once as computed too. Epochs run: the stage's `epoch_metrics` rows recorded between the first
 * start and the last finish of the sweep's trials that use it (a stage without epoch rows: its epochs when the sweep
 * computed it). Every other use, and every other epoch the trials needed, is reused.
 */
export async function stageSavings(db: Db, sweepId: string): Promise<StageSaving[]> {
  const rows = await db.$queryRaw<{ kind: string; computed: number; reused: number; epochs_computed: number; epochs_reused: number }[]>`
    with per_stage as (
      select ts.stage_key, ts.kind, count(*)::int as uses,
        count(*) filter (where s.computed_by = ts.trial_id)::int as own,
        max(s.epochs_done)::int as epochs, sum(coalesce(t.stopped_epoch, s.epochs_done))::int as needed,
        min(t.started_at) as t0, max(coalesce(t.finished_at, now())) as t1
      from trial_stages ts join trials t on t.id = ts.trial_id join stages s on s.key = ts.stage_key
      where t.sweep_id = ${sweepId} and (t.status = 'COMPLETED' or (t.status = 'PRUNED' and ts.kind = 'retrained'))
      group by ts.stage_key, ts.kind),
    rows as (
      select p.*,
        (select count(*) from epoch_metrics e where p.kind = 'retrained' and e.owner_id = p.stage_key)::int as rows_all,
        (select count(*) from epoch_metrics e
          where p.kind = 'retrained' and e.owner_id = p.stage_key and e.recorded_at between p.t0 and p.t1)::int as rows_run
      from per_stage p),
    ran as (
      select kind, uses, needed, case when own > 0 then own else least(rows_run, 1) end as computed,
        case when rows_all = 0 then (case when own > 0 then epochs else 0 end) else least(rows_run, needed) end as epochs_run
      from rows)
    select kind, sum(computed)::int as computed, sum(uses - computed)::int as reused,
      sum(epochs_run)::int as epochs_computed, sum(needed - epochs_run)::int as epochs_reused
    from ran group by kind order by kind`;
  return rows.map((r) => ({ kind: r.kind as StageSaving['kind'], computed: r.computed, reused: r.reused, epochsComputed: r.epochs_computed, epochsReused: r.epochs_reused }));
}
