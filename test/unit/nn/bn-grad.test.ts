import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';
import { fastBatchNormGrad, installFastBatchNormGrad, originalBatchNormGrad } from '../../../src/nn/train/bn-grad.js';

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});
afterAll(() => installFastBatchNormGrad());

/** Gradients of `sum(bn(x) * w)` w.r.t. x, gamma, beta, with batch statistics (training-mode BN). */
function bnGrads(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, w: tf.Tensor4D): number[][] {
  return tf.tidy(() => {
    const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Scalar => {
      const { mean, variance } = tf.moments(xx, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(xx, mean, variance, bb, gg, 1e-3), w));
    };
    return tf
      .grads(f)([x, gamma, beta])
      .map((g) => [...g.dataSync()]);
  });
}

describe('fast FusedBatchNorm gradient', () => {
  it.each([
    [2, 5, 5, 3],
    [4, 3, 7, 8],
    [1, 1, 1, 4],
  ])('matches tfjs-core gradient on x=[%i,%i,%i,%i] (rel. error <= 1e-4)', (n, h, w, c) => {
    const x = tf.randomNormal([n, h, w, c], 0.5, 2, 'float32', 1) as tf.Tensor4D;
    const gamma = tf.randomNormal([c], 1, 0.5, 'float32', 2) as tf.Tensor1D;
    const beta = tf.randomNormal([c], 0, 1, 'float32', 3) as tf.Tensor1D;
    const wt = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 4) as tf.Tensor4D;
    tf.registerGradient(originalBatchNormGrad);
    const ref = bnGrads(x, gamma, beta, wt);
    tf.registerGradient(fastBatchNormGrad);
    const fast = bnGrads(x, gamma, beta, wt);
    ref.forEach((r, k) => {
      const f = fast[k]!;
      const scale = Math.max(1e-3, ...r.map(Math.abs));
      r.forEach((v, i) => expect(Math.abs((f[i] ?? NaN) - v) / scale).toBeLessThanOrEqual(1e-4));
    });
    tf.dispose([x, gamma, beta, wt]);
  });
});
