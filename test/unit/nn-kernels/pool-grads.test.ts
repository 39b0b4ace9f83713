import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOL, onBoth, randomValues, relError, sizeOf, useWasm } from './helpers.js';
import type { Shape4 } from './helpers.js';

beforeAll(async () => {
  await useWasm();
});

describe('pooling gradients match the cpu backend', () => {
  const cases: { x: Shape4; k: number; s: number; p: 'valid' | 'same'; ties?: boolean }[] = [
    { x: [2, 28, 28, 6], k: 2, s: 2, p: 'valid' },
    { x: [2, 10, 10, 16], k: 2, s: 2, p: 'valid', ties: true },
    { x: [2, 7, 7, 3], k: 2, s: 2, p: 'valid' },
    { x: [2, 7, 7, 3], k: 2, s: 2, p: 'same', ties: true },
    { x: [2, 9, 8, 3], k: 3, s: 2, p: 'same' },
    { x: [1, 9, 9, 2], k: 3, s: 1, p: 'valid', ties: true },
  ];
  for (const { x, k, s, p, ties } of cases) {
    const ys = tf.backend_util.computePool2DInfo(x, k, s, 1, p).outShape;
    const name = `x=[${x}] k=${k} s=${s} p=${p}${ties ? ' with ties' : ''}`;
    // Ties: values rounded to a few levels, with zeros as after a ReLU.
    const xv = randomValues(sizeOf(x), 12).map((v) => (ties ? Math.max(0, Math.round(v * 2) / 2) : v));
    const dyv = randomValues(sizeOf(ys), 13);
    it(`MaxPoolGrad ${name}`, async () => {
      const { ref, got, gotShape } = await onBoth(() => {
        const xt = tf.tensor4d(xv, x);
        return tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: tf.tensor(dyv, ys), input: xt, output: tf.maxPool(xt, k, s, p) },
            { filterSize: k, strides: s, pad: p },
          ) as tf.Tensor;
      });
      expect(gotShape).toEqual(x);
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
    it(`AvgPoolGrad ${name}`, async () => {
      const { ref, got } = await onBoth(
        () =>
          tf
            .engine()
            .runKernel(
              'AvgPoolGrad',
              { dy: tf.tensor(dyv, ys), input: tf.tensor4d(xv, x) },
              { filterSize: k, strides: s, pad: p },
            ) as tf.Tensor,
      );
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('MaxPoolGrad edge values match the cpu backend', () => {
  for (const [k, s] of [
    [2, 2],
    [3, 2],
  ] as const) {
    it(`MaxPoolGrad x=[1,6,6,2] k=${k} s=${s} with an all -Infinity window and equal values`, async () => {
      const xs: Shape4 = [1, 6, 6, 2];
      const xv = randomValues(sizeOf(xs), 19).map((v) => Math.round(v));
      for (const i of [0, 1, 6, 7]) xv[i * 2] = -Infinity; // channel 0 of the top-left 2x2 window (pixels (0,0),(0,1),(1,0),(1,1))
      const ys = tf.backend_util.computePool2DInfo(xs, k, s, 1, 'valid').outShape;
      const dyv = randomValues(sizeOf(ys), 20);
      const { ref, got } = await onBoth(() => {
        const xt = tf.tensor4d(xv, xs);
        return tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: tf.tensor(dyv, ys), input: xt, output: tf.maxPool(xt, k, s, 'valid') },
            { filterSize: k, strides: s, pad: 'valid' },
          ) as tf.Tensor;
      });
      // Exactly equal (signed zeros aside: the branch-free path may produce -0).
      expect(Array.from(got, (v) => v + 0)).toEqual(Array.from(ref, (v) => v + 0));
    });
  }
});
