import type { Db } from './db.js';
import { finite } from './db.js';

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
  await epochUpsert(db, ownerId, phase, attempt, m);
}

/** The upsert of {@link recordEpoch} as a promise that can join a `$transaction([...])` batch. */
export function epochUpsert(db: Db, ownerId: string, phase: string, attempt: number, m: EpochRow) {
  const values = {
    lr: m.lr,
    loss: finite(m.loss),
    accuracy: finite(m.accuracy),
    valLoss: finite(m.valLoss),
    valAccuracy: finite(m.valAccuracy),
    durationMs: m.durationMs,
    attempt,
  };
  return db.epochMetric.upsert({
    where: { ownerId_phase_epoch: { ownerId, phase, epoch: m.epoch } },
    create: { ownerId, phase, epoch: m.epoch, ...values },
    update: { ...values, runs: { increment: 1 }, recordedAt: new Date() },
  });
}
