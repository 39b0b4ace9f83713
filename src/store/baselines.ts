import type { Db } from './db.js';
import { finite } from './db.js';
import { releaseTransientArtifacts } from './retention.js';
import type { BaselineResult, BaselineRow } from './trial-store.js';

export async function baselineRow(db: Db, key: string): Promise<BaselineRow> {
  return await db.baseline.findUniqueOrThrow({
    where: { key },
    select: { key: true, model: true, width: true, dataset: true, seed: true, recipe: true, status: true, accuracy: true },
  });
}

export async function markBaselineRunning(db: Db, key: string): Promise<void> {
  await db.baseline.updateMany({ where: { key, status: { not: 'COMPLETED' } }, data: { status: 'RUNNING' } });
}

export async function completeBaseline(db: Db, key: string, r: BaselineResult): Promise<void> {
  await db.baseline.updateMany({
    where: { key, status: { not: 'COMPLETED' } },
    data: {
      status: 'COMPLETED',
      accuracy: r.accuracy,
      loss: finite(r.loss),
      epochs: r.epochs,
      weightsTotal: r.weightsTotal,
      artifactId: r.artifactId,
      finishedAt: new Date(),
    },
  });
  await releaseTransientArtifacts(db, key); // its checkpoint: the stored weights are what every trial loads
}

export async function markBaselineFailed(db: Db, key: string): Promise<void> {
  await db.baseline.updateMany({ where: { key, status: { not: 'COMPLETED' } }, data: { status: 'FAILED' } });
}
