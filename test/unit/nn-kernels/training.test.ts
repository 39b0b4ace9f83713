import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onBoth, randomValues, relError, sizeOf, useWasm } from './helpers.js';
import { tinyLenet, tinyMobilenet, tinyResnet, tinyVgg } from './tiny-models.js';

const BATCH = 4;
const archs: [string, () => tf.LayersModel][] = [
  ['LeNet-5', tinyLenet],
  ['VGG-style', () => tinyVgg(0)],
  ['ResNet block', tinyResnet],
  ['MobileNet-style', tinyMobilenet],
];

function batchFor(model: tf.LayersModel, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const shape = [BATCH, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const labels = Array.from({ length: BATCH }, (_, i) => (i * 3 + seed) % 10);
  return { x: tf.tensor(randomValues(sizeOf(shape), seed), shape), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) };
}

function loss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor);
}

describe('a training step on wasm matches the cpu backend', () => {
  for (const [name, build] of archs) {
    it(`${name}: loss and each weight's gradient agree (relative error <= 1e-4 per tensor)`, async () => {
      await tf.setBackend('cpu');
      const model = build(); // same variables on both backends (tfjs moves their data)
      const names = model.trainableWeights.map((w) => w.originalName);
      const grads = (): tf.Tensor => {
        const { x, y } = batchFor(model, 1);
        const { value, grads: g } = tf.variableGrads(() => loss(model, x, y));
        return tf.concat([
          value.reshape([1]),
          ...names.map((n) => g[model.trainableWeights.find((w) => w.originalName === n)!.name]!.flatten()),
        ]);
      };
      const { ref, got } = await onBoth(grads);
      expect(ref.length).toBeGreaterThan(100);
      expect(relError(ref.subarray(0, 1), got.subarray(0, 1))).toBeLessThanOrEqual(1e-5); // the loss
      let offset = 1;
      for (const w of model.trainableWeights) {
        const n = sizeOf(w.shape as number[]);
        const err = relError(ref.subarray(offset, offset + n), got.subarray(offset, offset + n));
        expect({ weight: w.originalName, err: err <= 1e-4 ? 'ok' : err }).toEqual({
          weight: w.originalName,
          err: 'ok',
        });
        offset += n;
      }
      model.dispose();
    });
  }
});

describe('training on wasm does not leak tensors', () => {
  for (const [name, build] of [
    ...archs.slice(0, 1),
    ['VGG-style with dropout', () => tinyVgg(0.3)] as const,
    ...archs.slice(2),
  ]) {
    it(`${name}: numTensors is steady across optimizer steps and the loss decreases`, async () => {
      await useWasm();
      const model = build();
      const opt = tf.train.momentum(0.05, 0.9);
      const { x, y } = batchFor(model, 2);
      const counts: number[] = [];
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const l = opt.minimize(() => loss(model, x, y), true)!;
        losses.push((await l.data())[0]!);
        l.dispose();
        counts.push(tf.memory().numTensors);
      }
      expect(counts.slice(2)).toEqual(Array(4).fill(counts[1]));
      expect(losses[5]!).toBeLessThan(losses[0]!);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    });
  }
});
