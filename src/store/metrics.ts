import type { Db } from './db.js';
import { finite } from './db.js';
import type { EpochRecord } from './trial-store.js';

export interface EpochRow {
  epoch: number;
  lr: number;
  loss: number;
  accuracy: number;
  valLoss?: number | undefined;
  valAccuracy?: number | undefined;
  durationMs: number;
}

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
