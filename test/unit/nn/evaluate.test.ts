import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';
import {
  createModel,
  evaluate,
  getAllWeights,
  loadDataset,
  trainModel,
  withTransforms,
  type Dataset,
} from '../../../src/nn/index.js';

let data: Dataset;
let model: tf.LayersModel;
beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
  data = await loadDataset('synthetic', { seed: 5, synthetic: { train: 256, test: 100 } });
  model = createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed: 2 });
  await trainModel(model, data, {
    epochs: 1,
    batchSize: 32,
    optimizer: 'adam',
    lr: 3e-3,
    schedule: { kind: 'constant' },
    seed: 1,
  });
});

/** Reference: predict the whole test split at once and count argmax hits / mean cross-entropy by hand. */
function reference(m: tf.LayersModel, d: Dataset): { loss: number; accuracy: number } {
  const logits = tf
    .tidy(() => m.predict(tf.tensor4d(d.test.x, [d.test.n, ...d.shape])) as tf.Tensor)
    .arraySync() as number[][];
  let hits = 0;
  let loss = 0;
  logits.forEach((row, i) => {
    const y = d.test.y[i]!;
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    loss += lse - row[y]!;
    if (row.indexOf(max) === y) hits++;
  });
  return { loss: loss / d.test.n, accuracy: hits / d.test.n };
}

describe('evaluate', () => {
  it('matches a hand-computed top-1 accuracy and mean cross-entropy, for any batch size', async () => {
    const ref = reference(model, data);
    for (const batchSize of [7, 100, 256]) {
      const r = await evaluate(model, data.test, { batchSize });
      expect(r.accuracy).toBe(ref.accuracy);
      expect(r.loss).toBeCloseTo(ref.loss, 4);
    }
    expect(ref.accuracy).toBeGreaterThan(0.5);
  });

  it('weight transform: zeroed fc3 kernel => logits = bias, model restored afterwards', async () => {
    const before = getAllWeights(model);
    const tensors = tf.memory().numTensors;
    const calls: string[] = [];
    const r = await evaluate(model, data.test, {
      transforms: {
        weight: (layer, w, shape) => {
          calls.push(`${layer}:${shape.join('x')}`);
          return new Float32Array(w.length);
        },
        layers: ['fc3'],
      },
    });
    expect(calls).toEqual(['fc3:84x4']);
    // all logits equal the bias: every image gets the same class
    const bias = before.get('fc3/bias')!.data;
    const cls = bias.indexOf(Math.max(...bias));
    expect(r.accuracy).toBeCloseTo(data.test.y.filter((y) => y === cls).length / data.test.n, 10);
    const after = getAllWeights(model);
    for (const [k, v] of before) expect(after.get(k)!.data).toEqual(v.data);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await evaluate(model, data.test)).accuracy).toBe(reference(model, data).accuracy);
  });

  it('activation transform sees each prunable layer input (NHWC / [batch, units]) and can change it', async () => {
    const shapes = new Map<string, number[]>();
    const identity = await evaluate(model, data.test, {
      batchSize: 50,
      transforms: {
        activation: (layer, x) => {
          shapes.set(layer, x.shape);
          return x;
        },
      },
    });
    expect(Object.fromEntries(shapes)).toEqual({
      conv1: [50, 16, 16, 1],
      conv2: [50, 8, 8, 6],
      fc1: [50, 64],
      fc2: [50, 120],
      fc3: [50, 84],
    });
    expect(identity.accuracy).toBe(reference(model, data).accuracy);
    // zeroing the input of fc3 makes the logits equal fc3's bias, as with the zero kernel above
    const zeroed = await evaluate(model, data.test, {
      transforms: { activation: (_l, x) => tf.zerosLike(x), layers: ['fc3'] },
    });
    const bias = getAllWeights(model).get('fc3/bias')!.data;
    const cls = bias.indexOf(Math.max(...bias));
    expect(zeroed.accuracy).toBeCloseTo(data.test.y.filter((y) => y === cls).length / data.test.n, 10);
    // and the layer is unpatched afterwards
    expect((await evaluate(model, data.test)).accuracy).toBe(identity.accuracy);
  });

  it('withTransforms leaves the model as it was when the body throws', async () => {
    const before = getAllWeights(model);
    const calls = new Map(['conv1', 'fc3'].map((n) => [n, model.getLayer(n).call]));
    const tensors = tf.memory().numTensors;
    const transforms = {
      weight: (_l: string, w: Float32Array) => new Float32Array(w.length),
      activation: (_l: string, x: tf.Tensor) => tf.zerosLike(x),
      layers: ['conv1', 'fc3'],
    };
    await expect(
      withTransforms(model, transforms, async () => {
        // inside, the transforms are in force: the kernels read zero and the layers are patched
        expect(Math.max(...getAllWeights(model).get('fc3/kernel')!.data.map(Math.abs))).toBe(0);
        expect(model.getLayer('fc3').call).not.toBe(calls.get('fc3'));
        throw new Error('body failed');
      }),
    ).rejects.toThrow('body failed');
    const after = getAllWeights(model);
    for (const [k, v] of before) expect(after.get(k)!.data).toEqual(v.data);
    for (const [n, call] of calls) expect(model.getLayer(n).call).toBe(call);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await evaluate(model, data.test)).accuracy).toBe(reference(model, data).accuracy);
  });
});
