import { afterAll } from 'vitest';
import { createDb } from '../../src/store/db.js';
import { createPrismaTrialStore } from '../../src/store/prisma-store.js';
import { describeTrialStoreContract } from '../contracts/trial-store.contract.js';
import { testSettings } from '../helpers/services.js';

const db = createDb(testSettings().databaseUrl);
afterAll(async () => {
  await db.$disconnect();
});

describeTrialStoreContract('Prisma on PostgreSQL', () => ({
  store: createPrismaTrialStore(db),
  inspect: {
    layerResults: (trialId) => db.layerResult.findMany({ where: { trialId }, select: { layer: true, kept: true } }),
    simulations: (trialId) =>
      db.simulation.findMany({
        where: { trialId },
        select: { accelerator: true, totalCycles: true, layers: { select: { layer: true, totalCycles: true } } },
      }),
    epochs: (ownerId) =>
      db.epochMetric.findMany({ where: { ownerId }, select: { phase: true, epoch: true, loss: true, attempt: true, runs: true } }),
    attempts: (trialId) =>
      db.trialAttempt.findMany({
        where: { trialId },
        orderBy: { attempt: 'asc' },
        select: { attempt: true, status: true, phase: true, error: true, errorType: true },
      }),
    corruptArtifact: async (id) => {
      await db.$executeRaw`update artifacts set data = data || '\\x00'::bytea where id = ${id}`;
    },
  },
}));
