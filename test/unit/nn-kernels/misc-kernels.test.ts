import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MISSING_WASM_KERNELS,
  OVERRIDDEN_WASM_KERNELS,
  registerWasmTrainingKernels,
} from '../../../src/nn/backend/index.js';
import { TOL, onBoth, randomValues, relError, sizeOf, useWasm } from './helpers.js';
import type { Shape4 } from './helpers.js';

beforeAll(async () => {
  await useWasm();
});

describe('wasm training kernels are registered', () => {
  it('registers every missing kernel and every override on the wasm backend', () => {
    for (const name of [...MISSING_WASM_KERNELS, ...OVERRIDDEN_WASM_KERNELS]) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });
});

describe('BatchMatMul with transposed operands matches the cpu backend', () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`BatchMatMul a=[2,33,17] b=[2,17,9] transposeA=${ta} transposeB=${tb}`, async () => {
      const as = ta ? [2, 17, 33] : [2, 33, 17];
      const bs = tb ? [2, 9, 17] : [2, 17, 9];
      const av = randomValues(sizeOf(as), 14);
      const bv = randomValues(sizeOf(bs), 15);
      const { ref, got, gotShape } = await onBoth(
        () =>
          tf
            .engine()
            .runKernel(
              'BatchMatMul',
              { a: tf.tensor(av, as), b: tf.tensor(bv, bs) },
              { transposeA: ta, transposeB: tb },
            ) as tf.Tensor,
      );
      expect(gotShape).toEqual([2, 33, 9]);
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('composite kernels do not leak', () => {
  it('runs every registered kernel without leaving tensors behind', async () => {
    await useWasm();
    const x = tf.tensor4d(randomValues(2 * 8 * 8 * 4, 16), [2, 8, 8, 4]);
    const w = tf.tensor4d(randomValues(3 * 3 * 4 * 4, 17), [3, 3, 4, 4]);
    const dw1 = tf.tensor4d(randomValues(3 * 3 * 4 * 1, 18), [3, 3, 4, 1]);
    const before = tf.memory().numTensors;
    const outs = tf.tidy(() => {
      const y = tf.conv2d(x, w, 2, 'same');
      const gf = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy: y },
          { strides: 2, pad: 'same', filterShape: [3, 3, 4, 4] },
        ) as tf.Tensor;
      const gi = tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy: y, filter: w },
          { strides: 2, pad: 'same', inputShape: [2, 8, 8, 4] },
        ) as tf.Tensor;
      const z = tf.depthwiseConv2d(x, dw1, 2, 'same');
      const df = tf
        .engine()
        .runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x, dy: z },
          { strides: 2, pad: 'same', dilations: 1, filterShape: [3, 3, 4, 1] },
        ) as tf.Tensor;
      const di = tf
        .engine()
        .runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: z, filter: dw1 },
          { strides: 2, pad: 'same', dilations: 1, inputShape: [2, 8, 8, 4] },
        ) as tf.Tensor;
      const p = tf.maxPool(x, 2, 2, 'valid');
      const mp = tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy: p, input: x, output: p },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor;
      const ap = tf
        .engine()
        .runKernel('AvgPoolGrad', { dy: p, input: x }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
      const mm = tf.matMul(tf.reshape(x, [16, 32]), tf.reshape(x, [16, 32]), true, false);
      const tl = tf.tile(tf.reshape(x, [2, 8, 8, 4]).slice([0, 0, 0, 0], [1, 1, 1, 4]), [2, 8, 8, 1]);
      const sm = tf.sum(x, [0, 1, 2]);
      const mn = tf.mean(x, [0, 1, 2], true);
      const cl = tf.clone(x);
      return [gf, gi, df, di, mp, ap, mm, tl, sm, mn, cl];
    });
    expect(tf.memory().numTensors).toBe(before + outs.length);
    tf.dispose(outs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, dw1]);
  });
});

describe('Tile, Identity, Sum and Mean match the cpu backend', () => {
  const tiles: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
    { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1], dtype: 'float32' },
    { shape: [2, 3], reps: [2, 3], dtype: 'float32' },
    { shape: [3, 1, 2], reps: [1, 4, 3], dtype: 'int32' },
    { shape: [4], reps: [3], dtype: 'bool' },
    { shape: [2, 1, 3, 2], reps: [1, 2, 1, 2], dtype: 'float32' },
  ];
  for (const { shape, reps, dtype } of tiles) {
    it(`Tile x=[${shape}] reps=[${reps}] ${dtype}`, async () => {
      const v = randomValues(sizeOf(shape), 21).map((a) =>
        dtype === 'float32' ? a : dtype === 'int32' ? Math.round(a * 10) : +(a > 0),
      );
      const { ref, got, refShape, gotShape } = await onBoth(() => tf.tile(tf.tensor(v, shape, dtype), reps));
      expect(gotShape).toEqual(refShape);
      expect(Array.from(got)).toEqual(Array.from(ref));
    });
  }

  const reverses: { shape: number[]; dims: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
    { shape: [3, 3, 4, 5], dims: [0, 1], dtype: 'float32' },
    { shape: [2, 3, 4], dims: [2], dtype: 'int32' },
    { shape: [2, 3, 4, 2], dims: [1, 3], dtype: 'float32' },
    { shape: [5], dims: [0], dtype: 'bool' },
    { shape: [2, 3, 2], dims: [-1, 0], dtype: 'float32' },
  ];
  for (const { shape, dims, dtype } of reverses) {
    it(`Reverse x=[${shape}] dims=[${dims}] ${dtype}`, async () => {
      const v = randomValues(sizeOf(shape), 28).map((a) =>
        dtype === 'float32' ? a : dtype === 'int32' ? Math.round(a * 10) : +(a > 0),
      );
      const { ref, got, refShape, gotShape } = await onBoth(() => tf.reverse(tf.tensor(v, shape, dtype), dims));
      expect(gotShape).toEqual(refShape);
      expect(Array.from(got)).toEqual(Array.from(ref));
    });
  }

  const slices: { shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
    { shape: [4, 7, 6, 3], begin: [0, 1, 1, 0], size: [4, 5, 4, 3], dtype: 'float32' },
    { shape: [4, 7, 6, 3], begin: [1, 0, 0, 0], size: [2, 7, 6, 3], dtype: 'float32' }, // contiguous
    { shape: [5, 6], begin: [1, 2], size: [3, -1], dtype: 'int32' },
    { shape: [2, 3, 4, 5, 2], begin: [0, 1, 0, 2, 1], size: [2, 2, 4, 3, 1], dtype: 'bool' },
    { shape: [6], begin: [2], size: [3], dtype: 'float32' },
  ];
  for (const { shape, begin, size, dtype } of slices) {
    it(`Slice x=[${shape}] begin=[${begin}] size=[${size}] ${dtype}`, async () => {
      const v = randomValues(sizeOf(shape), 29).map((a) =>
        dtype === 'float32' ? a : dtype === 'int32' ? Math.round(a * 10) : +(a > 0),
      );
      const { ref, got, refShape, gotShape } = await onBoth(() => tf.slice(tf.tensor(v, shape, dtype), begin, size));
      expect(gotShape).toEqual(refShape);
      expect(Array.from(got)).toEqual(Array.from(ref));
    });
  }

  it('Identity aliases the data: the clone keeps its values after the source is disposed', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const a = tf.tensor([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(await b.data())).toEqual([1, 2, 3]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  const reductions: { shape: number[]; axes: number[]; keepDims: boolean }[] = [
    { shape: [8, 6, 6, 5], axes: [0, 1, 2], keepDims: false },
    { shape: [8, 6, 6, 5], axes: [2, 0, 1], keepDims: true },
    { shape: [64, 10], axes: [0], keepDims: false },
    { shape: [4, 3, 5], axes: [0, 1, 2], keepDims: false },
    { shape: [4, 3, 5], axes: [1], keepDims: false }, // not leading: the package's kernel
    { shape: [4, 3, 5], axes: [-1], keepDims: true },
  ];
  for (const { shape, axes, keepDims } of reductions) {
    for (const op of ['sum', 'mean'] as const) {
      it(`${op === 'sum' ? 'Sum' : 'Mean'} x=[${shape}] axes=[${axes}] keepDims=${keepDims}`, async () => {
        const v = randomValues(sizeOf(shape), 22);
        const { ref, got, refShape, gotShape } = await onBoth(() => tf[op](tf.tensor(v, shape), axes, keepDims));
        expect(gotShape).toEqual(refShape);
        expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
      });
    }
  }

  it('Sum and Mean of one tensor over different leading axes agree with cpu (no stale operator reuse)', async () => {
    const v = randomValues(4 * 3 * 5, 23);
    const { ref, got } = await onBoth(() => {
      const x = tf.tensor(v, [4, 3, 5]);
      return tf.concat([
        tf.sum(x, 0).flatten(),
        tf.sum(x, [0, 1]),
        tf.mean(x, [0, 1, 2]).reshape([1]),
        tf.sum(x, 0).flatten(),
      ]);
    });
    expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
  });

  it('Sum over leading axes of 0/1 floats equals the cpu backend exactly (counts stay integers, M = 100, 99, 64)', async () => {
    const v = randomValues(100 * 3, 24).map((a) => +(a > -0.98));
    const { ref, got } = await onBoth(() =>
      tf.concat([
        tf.sum(tf.tensor(v, [100, 3]), 0),
        tf.sum(tf.tensor(v.slice(0, 99), [99]), 0, true),
        tf.sum(tf.tensor(v.slice(0, 64), [64]), 0, true),
      ]),
    );
    expect(Array.from(got)).toEqual(Array.from(ref));
    expect(Number.isInteger(got[3]) && Number.isInteger(got[4])).toBe(true);
  });

  it('Sum of int32 stays exact (the package kernel handles it)', async () => {
    const { ref, got } = await onBoth(() =>
      tf.sum(
        tf.tensor(
          [
            [1, 2],
            [3, 4],
          ],
          [2, 2],
          'int32',
        ),
        0,
      ),
    );
    expect(Array.from(got)).toEqual(Array.from(ref));
    expect(Array.from(got)).toEqual([4, 6]);
  });
});

describe('registerWasmTrainingKernels', () => {
  it('restores the package kernels with overrides: false (still working after init) and re-applies ours', async () => {
    await useWasm();
    expect(registerWasmTrainingKernels()).toEqual([]); // idempotent
    const ours = tf.getKernel('MaxPoolGrad', 'wasm');
    expect(registerWasmTrainingKernels({ overrides: false })).toEqual([...OVERRIDDEN_WASM_KERNELS]);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).not.toBe(ours);
    try {
      const xs: Shape4 = [2, 6, 6, 3];
      // Positive inputs: the package's MaxPoolGrad mis-routes windows of negative values (see pool-grads.ts).
      const xv = randomValues(sizeOf(xs), 25).map((v) => v + 1.5);
      const dyv = randomValues(2 * 3 * 3 * 3, 26);
      const run = (): tf.Tensor =>
        tf.engine().runKernel(
          'MaxPoolGrad',
          {
            dy: tf.tensor(dyv, [2, 3, 3, 3]),
            input: tf.tensor4d(xv, xs),
            output: tf.maxPool(tf.tensor4d(xv, xs), 2, 2, 'valid'),
          },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor;
      const { ref, got } = await onBoth(() => tf.concat([run().flatten(), tf.tile(tf.tensor([1, 2]), [3])]));
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    } finally {
      expect(registerWasmTrainingKernels({ overrides: true })).toEqual([...OVERRIDDEN_WASM_KERNELS]);
    }
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).not.toBe(undefined);
    expect(registerWasmTrainingKernels()).toEqual([]);
  });
});
