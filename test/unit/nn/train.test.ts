import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';
import {
  createModel,
  evaluate,
  getWeights,
  kernelGradients,
  loadDataset,
  prunableLayers,
  setWeights,
  trainModel,
  type Dataset,
  type EpochMetrics,
  type Masks,
  type TrainOptions,
} from '../../../src/nn/index.js';
import { Rng } from '../../../src/shared/rng.js';

let data: Dataset;
beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
  data = await loadDataset('synthetic', { seed: 11, synthetic: { train: 192, test: 64 } });
});

const vgg = (seed = 1): tf.LayersModel =>
  createModel({ name: 'vgg', inputShape: data.shape, numClasses: data.numClasses, width: 0.25, seed });

const base: TrainOptions = {
  epochs: 4,
  batchSize: 32,
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: { kind: 'step', milestones: [2], gamma: 0.5 },
  seed: 3,
};

/** 50 % random 0/1 masks for every prunable layer. */
function randomMasks(model: tf.LayersModel, seed: number): Masks {
  const rng = new Rng(seed);
  const masks: Masks = new Map();
  for (const [name, w] of getWeights(model))
    masks.set(
      name,
      Uint8Array.from(w, () => (rng.next() < 0.5 ? 0 : 1)),
    );
  return masks;
}

const curve = (h: EpochMetrics[]): number[][] => h.map((m) => [m.epoch, m.lr, m.loss, m.accuracy]);

describe('trainModel', () => {
  it('learns the synthetic set (lenet5, Adam) and reports per-epoch metrics', async () => {
    const model = createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed: 1 });
    const seen: EpochMetrics[] = [];
    const batches: number[][] = [];
    const { history } = await trainModel(
      model,
      data,
      { ...base, epochs: 3, optimizer: 'adam', lr: 3e-3, evalEachEpoch: true },
      { onEpochEnd: (m) => void seen.push(m), onBatchEnd: (e, b, loss) => void batches.push([e, b, loss]) },
    );
    expect(batches.length).toBe(3 * 6); // 192 images / 32 per batch
    expect(batches.slice(5, 7).map(([e, b]) => [e, b])).toEqual([
      [0, 5],
      [1, 0],
    ]);
    const epoch0 = batches.filter(([e]) => e === 0).reduce((a, [, , l]) => a + l!, 0) / 6;
    expect(epoch0).toBeCloseTo(history[0]!.loss, 5); // equal batches: epoch loss = mean of batch losses
    expect(seen).toEqual(history);
    expect(history.map((m) => m.lr)).toEqual([3e-3, 3e-3, 1.5e-3]);
    expect(history[2]!.loss).toBeLessThan(history[0]!.loss);
    expect(history[2]!.valAccuracy).toBeGreaterThan(0.9);
    expect(history.every((m) => m.durationMs > 0)).toBe(true);
  });

  it('is reproducible: same seed => identical loss curve; another data seed => different curve', async () => {
    const a = await trainModel(vgg(), data, { ...base, epochs: 2 });
    const b = await trainModel(vgg(), data, { ...base, epochs: 2 });
    const c = await trainModel(vgg(), data, { ...base, epochs: 2, seed: 4 });
    expect(curve(a.history)).toEqual(curve(b.history));
    expect(curve(c.history)).not.toEqual(curve(a.history));
  });

  it.each(['sgd', 'adam'] as const)(
    'keeps pruned weights exactly zero after every step (%s, weight decay)',
    async (optimizer) => {
      const model = vgg();
      const masks = randomMasks(model, 9);
      const before = getWeights(model);
      let zeroChecks = 0;
      await trainModel(
        model,
        data,
        { ...base, epochs: 2, optimizer, lr: optimizer === 'adam' ? 1e-3 : 0.05, masks },
        {
          onEpochEnd: () => {
            for (const [name, w] of getWeights(model)) {
              const m = masks.get(name)!;
              zeroChecks += w.filter((v, i) => m[i] === 0 && v !== 0).length === 0 ? 1 : 0;
            }
          },
        },
      );
      expect(zeroChecks).toBe(2 * prunableLayers(model).length);
      const after = getWeights(model);
      for (const [name, w] of after) {
        const m = masks.get(name)!;
        const w0 = before.get(name)!;
        const kept = m.reduce((a, b) => a + b, 0);
        const changed = w.filter((v, i) => m[i] === 1 && v !== w0[i]).length;
        expect(changed).toBeGreaterThan(kept / 2); // kept weights train
        expect(w.filter((v, i) => m[i] === 0 && v !== 0).length).toBe(0); // pruned stay exactly 0
      }
    },
  );

  it.each(['sgd', 'adam'] as const)(
    'resume from an epoch checkpoint reproduces the uninterrupted run exactly (%s, masks, BN)',
    async (optimizer) => {
      const opts: TrainOptions = {
        ...base,
        optimizer,
        lr: optimizer === 'adam' ? 2e-3 : 0.05,
        masks: randomMasks(vgg(), 2),
      };
      const full = vgg();
      let ck: Uint8Array | undefined;
      const a = await trainModel(full, data, opts, {
        onEpochEnd: (m, checkpoint) => {
          if (m.epoch === 1) ck = checkpoint();
        },
      });
      expect(ck).toBeDefined();
      const resumed = vgg(77); // different init: everything must come from the checkpoint
      const { masks: _m, ...noMasks } = opts; // masks come back from the checkpoint too
      const b = await trainModel(resumed, data, noMasks, { resumeFrom: ck });
      expect(curve(b.history)).toEqual(curve(a.history));
      const wa = getWeights(full);
      for (const [name, w] of getWeights(resumed)) expect(w).toEqual(wa.get(name));
    },
  );

  it('keeps frozen weights at their starting values exactly while the rest trains (INQ-style), also across resume', async () => {
    const model = vgg();
    const frozen = randomMasks(model, 21); // reuse the generator: 1 = frozen here
    const masks = randomMasks(model, 22);
    const w0 = getWeights(model);
    const opts: TrainOptions = { ...base, epochs: 3, masks, frozen };
    let ck: Uint8Array | undefined;
    await trainModel(model, data, opts, { onEpochEnd: (m, c) => void (m.epoch === 0 ? (ck = c()) : undefined) });
    for (const [name, w] of getWeights(model)) {
      const f = frozen.get(name)!;
      const m = masks.get(name)!;
      const start = w0.get(name)!;
      // frozen & kept: bit-identical to the start; frozen & pruned: 0; free & kept: trained
      expect(w.filter((v, i) => f[i] === 1 && m[i] === 1 && v !== start[i]).length).toBe(0);
      expect(w.filter((v, i) => m[i] === 0 && v !== 0).length).toBe(0);
      expect(w.filter((v, i) => f[i] === 0 && m[i] === 1 && v !== start[i]).length).toBeGreaterThan(0);
    }
    const resumed = vgg(5);
    await trainModel(resumed, data, { ...base, epochs: 3 }, { resumeFrom: ck });
    const wr = getWeights(resumed);
    // equal bit for bit except the sign of zeros in pruned slots (-0 vs 0, which no later op can tell apart)
    const plus0 = (a: Float32Array): Float32Array => a.map((v) => v + 0);
    for (const [name, w] of getWeights(model)) expect(plus0(wr.get(name)!)).toEqual(plus0(w));
  });

  it('kernelGradients: batch-size invariant and equal to central differences on fc weights', async () => {
    const model = createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed: 4 });
    const split = { x: data.test.x.subarray(0, 40 * 256), y: data.test.y.subarray(0, 40), n: 40 };
    const tensors = tf.memory().numTensors;
    const g1 = await kernelGradients(model, split, { batchSize: 40 });
    const g2 = await kernelGradients(model, split, { batchSize: 7 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect([...g1.keys()]).toEqual(prunableLayers(model));
    for (const [name, g] of g1) {
      const other = g2.get(name)!;
      const scale = Math.max(...g.map(Math.abs));
      g.forEach((v, i) => expect(Math.abs(v - other[i]!)).toBeLessThanOrEqual(1e-5 * scale + 1e-9));
    }
    // central differences on a few fc3 weights (the loss is smooth in them)
    const w = getWeights(model);
    const fc3 = w.get('fc3')!;
    const loss = async (): Promise<number> => (await evaluate(model, split)).loss;
    for (const i of [0, 17, fc3.length - 1]) {
      const eps = 1e-2;
      const orig = fc3[i]!;
      setWeights(model, new Map([['fc3', Float32Array.from(fc3, (v, j) => (j === i ? orig + eps : v))]]));
      const up = await loss();
      setWeights(model, new Map([['fc3', Float32Array.from(fc3, (v, j) => (j === i ? orig - eps : v))]]));
      const down = await loss();
      setWeights(model, new Map([['fc3', fc3]]));
      expect(g1.get('fc3')![i]).toBeCloseTo((up - down) / (2 * eps), 3);
    }
  });

  it('frees every tensor it creates (numTensors steady across epochs and after return)', async () => {
    const model = vgg();
    const start = tf.memory().numTensors;
    const perEpoch: number[] = [];
    await trainModel(
      model,
      data,
      { ...base, epochs: 3, evalEachEpoch: true, masks: randomMasks(model, 1) },
      {
        onEpochEnd: () => void perEpoch.push(tf.memory().numTensors),
      },
    );
    expect(new Set(perEpoch).size).toBe(1);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('stops with CANCELLED when the signal aborts, and rejects bad options clearly', async () => {
    const ac = new AbortController();
    const run = trainModel(vgg(), data, base, { signal: ac.signal, onEpochEnd: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(trainModel(vgg(), data, { ...base, epochs: 0 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: trainModel: epochs = 0 is not an integer >= 1]`,
    );
    await expect(trainModel(vgg(), data, { ...base, momentum: 1 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: trainModel: momentum = 1 is not in [0, 1)]`,
    );
    const wrong = createModel({ name: 'lenet5', inputShape: [28, 28, 1], numClasses: 4, seed: 1 });
    await expect(trainModel(wrong, data, base)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: trainModel: model input [28,28,1] does not match dataset synthetic [16,16,1]]`,
    );
    const m = vgg();
    await expect(
      trainModel(m, data, { ...base, masks: new Map([['conv1', new Uint8Array(5)]]) }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: mask for layer "conv1" has 5 entries, kernel [3,3,1,8] has 72]`,
    );
  });
});
