import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SweepHarness, tinySpec } from '../helpers/sweep.js';

/**
 * A power-of-two (GSNQ) trial through the real workflow, workers and PostgreSQL: KRP pruning, its retraining, the
 * incremental pow2 steps (one epoch between them), compression accounting at 3 bits and a shifter KRP machine.
 */
describe('a KRP + GSNQ power-of-two trial on the real services', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs INQ after the pruning retraining, stores the typed weight format, counts 3-bit storage, uses shifters', async () => {
    const spec = tinySpec({
      name: 'pow2',
      pruning: { methods: ['kernel-row'], fcRatio: [0.75] },
      quantization: {
        weightFormat: ['pow2'],
        pow2: { bits: [3] },
        activationBits: [8],
        threshold: 'max',
        calibrationSize: 64,
      },
      accelerators: [{ base: 'krp-fpga', name: 'krp-fpga-shift', krp: { shifters: true } }],
    });
    const { sweepId } = await h.launch(spec);
    expect(await h.result(sweepId)).toMatchObject({ total: 1, completed: 1, failed: 0 });

    const [t] = await h.db.trial.findMany({ where: { sweepId } });
    expect(t).toMatchObject({
      status: 'COMPLETED',
      method: 'kernel-row',
      weightBits: 3,
      weightFormat: 'pow2',
      pow2SignBased: true,
    });
    expect(t!.label).toBe('lenet5/synthetic krp rows=1 fc=0.75 W3A8 pow2 max s0');
    // One pruning-retraining epoch, then one epoch after each of the first three INQ steps (the 100 % step trains nothing).
    const epochs = await h.db.epochMetric.findMany({
      where: { ownerId: await h.stageKey(t!.id, 'retrained') },
      orderBy: [{ phase: 'asc' }],
    });
    expect(epochs.map((e) => e.phase)).toEqual(['inq-1', 'inq-2', 'inq-3', 'retrain']);
    for (const e of epochs.filter((x) => x.phase.startsWith('inq-'))) expect(e.lr).toBe(0.001); // retraining.lr, constant

    const layers = await h.db.layerResult.findMany({ where: { trialId: t!.id }, orderBy: { layerIndex: 'asc' } });
    expect(layers.map((l) => [l.layer, l.weightBits, l.fractionalLength])).toEqual(
      ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].map((n) => [n, 3, null]),
    );
    // conv1 [5,5,1,6] and conv2 [5,5,6,16]: one 5-wide row of 3-bit values + a 3-bit row id per kernel.
    expect(layers.slice(0, 2).map((l) => l.storageBits)).toEqual([6 * 18, 96 * 18]);
    expect(t!.compressionRatio).toBeGreaterThan(10);

    const [sim] = await h.db.simulation.findMany({ where: { trialId: t!.id }, include: { layers: true } });
    expect(sim!.accelerator).toBe('krp-fpga-shift');
    for (const l of sim!.layers) expect((l.stats as { multiplications: number }).multiplications).toBe(0);
  });
});
