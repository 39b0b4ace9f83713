import type { Db } from './db.js';
import { finite } from './db.js';
import type { EpochRecord } from './trial-store.js';

/** One epoch's metrics without its owner, phase and attempt (which {@link recordEpoch} takes apart). */
export type EpochRow = Omit<EpochRecord, 'ownerId' | 'phase' | 'attempt'>;

/**
 * Upserts one epoch's metrics on (owner, phase, epoch). A second write of the same epoch (a crashed attempt
 * recomputing it) overwrites the values and increments `runs`, so SQL can tell how much work a crash cost.
 */
export async function recordEpoch(db: Db, ownerId: string, phase: string, attempt: number, m: EpochRow): Promise<void> {
  await epochUpsert(db, { ownerId, phase, attempt, ...m });
}

/** The upsert of {@link recordEpoch} as a promise that can join a `$transaction([...])` batch. */
export function epochUpsert(db: Db, e: EpochRecord) {
  const values = {
    lr: e.lr,
    loss: finite(e.loss),
    accuracy: finite(e.accuracy),
    valLoss: finite(e.valLoss),
    valAccuracy: finite(e.valAccuracy),
    durationMs: e.durationMs,
    attempt: e.attempt,
  };
  return db.epochMetric.upsert({
    where: { ownerId_phase_epoch: { ownerId: e.ownerId, phase: e.phase, epoch: e.epoch } },
    create: { ownerId: e.ownerId, phase: e.phase, epoch: e.epoch, ...values },
    update: { ...values, runs: { increment: 1 }, recordedAt: new Date() },
  });
}

/**
 * Bulk ingest of many epoch rows in one statement (`INSERT … SELECT unnest(…) ON CONFLICT DO UPDATE`), for importers
 * and backfills: same natural key and `runs` semantics as {@link recordEpoch}, one round trip per call.
 */
export async function recordEpochs(
  db: Db,
  rows: { ownerId: string; phase: string; attempt: number; m: EpochRow }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <T>(f: (r: (typeof rows)[number]) => T): T[] => rows.map(f);
  return await db.$executeRaw`
    insert into epoch_metrics (owner_id, phase, epoch, lr, loss, accuracy, val_loss, val_accuracy, duration_ms, attempt)
    select * from unnest(
      ${col((r) => r.ownerId)}::text[], ${col((r) => r.phase)}::text[], ${col((r) => r.m.epoch)}::int[],
      ${col((r) => r.m.lr)}::float8[], ${col((r) => finite(r.m.loss))}::float8[], ${col((r) => finite(r.m.accuracy))}::float8[],
      ${col((r) => finite(r.m.valLoss))}::float8[], ${col((r) => finite(r.m.valAccuracy))}::float8[],
      ${col((r) => r.m.durationMs)}::float8[], ${col((r) => r.attempt)}::int[])
    on conflict (owner_id, phase, epoch) do update set
      lr = excluded.lr, loss = excluded.loss, accuracy = excluded.accuracy, val_loss = excluded.val_loss,
      val_accuracy = excluded.val_accuracy, duration_ms = excluded.duration_ms, attempt = excluded.attempt,
      runs = epoch_metrics.runs + 1, recorded_at = now()`;
}

/** See {@link TrialStore.epochTimeEstimateMs}: the first non-empty of the owner's own, its baseline's, comparable baselines' epochs. */
export async function epochTimeEstimateMs(db: Db, ownerId: string): Promise<number | null> {
  const rows = await db.$queryRaw<{ tier: number; ms: number | null }[]>`
    with base as (
      select b.key, b.model, b.width, b.dataset, b.recipe->'data' as data from baselines b
      where b.key = ${ownerId} or b.key = (select baseline_key from trials where id = ${ownerId})
        or b.key = (select inputs->>'baselineKey' from stages where key = ${ownerId})
      limit 1)
    select 1 as tier, max(duration_ms) as ms from epoch_metrics where owner_id = ${ownerId}
    union all
    select 2, max(e.duration_ms) from epoch_metrics e join base on e.owner_id = base.key
    union all
    select 3, max(e.duration_ms) from epoch_metrics e join baselines b on b.key = e.owner_id
      join base on b.model = base.model and b.width = base.width and b.dataset = base.dataset and b.recipe->'data' = base.data
    order by tier`;
  return rows.find((r) => r.ms !== null)?.ms ?? null;
}

/** See {@link TrialStore.epochMetrics}: non-finite values were stored as NULL and come back as NaN. */
export async function epochMetrics(db: Db, ownerId: string, phase: string): Promise<EpochRecord[]> {
  const rows = await db.epochMetric.findMany({ where: { ownerId, phase }, orderBy: { epoch: 'asc' } });
  return rows.map((r) => ({
    ownerId: r.ownerId,
    phase: r.phase,
    attempt: r.attempt,
    epoch: r.epoch,
    lr: r.lr,
    loss: r.loss ?? Number.NaN,
    accuracy: r.accuracy ?? Number.NaN,
    valLoss: r.valLoss ?? undefined,
    valAccuracy: r.valAccuracy ?? undefined,
    durationMs: r.durationMs,
  }));
}
