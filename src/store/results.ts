import type { Db, Prisma } from './db.js';
import type { LayerResultRow, LayerSimulationRow, SimulationRow } from './trial-store.js';

/** Upserts a trial's per-layer compression rows on (trial, layer) in one transaction. */
export async function recordLayerResults(db: Db, trialId: string, rows: LayerResultRow[]): Promise<void> {
  await db.$transaction(
    rows.map((l) =>
      db.layerResult.upsert({
        where: { trialId_layer: { trialId, layer: l.layer } },
        create: { ...l, trialId },
        update: l,
      }),
    ),
  );
}

/** Upserts one simulation on (trial, hardware hash) and its layers on (simulation, layer) in one transaction. */
export async function recordSimulation(db: Db, trialId: string, sim: SimulationRow, layers: LayerSimulationRow[]): Promise<void> {
  await db.$transaction(
    async (tx) => {
      const s = await tx.simulation.upsert({
        where: { trialId_hardwareHash: { trialId, hardwareHash: sim.hardwareHash } },
        create: { ...sim, trialId },
        update: sim as Prisma.SimulationUncheckedUpdateInput,
      });
      for (const l of layers) {
        await tx.layerSimulation.upsert({
          where: { simulationId_layer: { simulationId: s.id, layer: l.layer } },
          create: { ...l, simulationId: s.id },
          update: l,
        });
      }
    },
    { timeout: 60_000 },
  );
}
