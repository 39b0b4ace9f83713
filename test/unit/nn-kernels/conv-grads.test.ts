import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOL, onBoth, randomValues, relError, sizeOf, useWasm } from './helpers.js';
import type { Pad, Shape4 } from './helpers.js';

beforeAll(async () => {
  await useWasm();
});

function padName(p: Pad): string {
  return typeof p === 'string' ? p : `explicit${JSON.stringify(p.slice(1, 3))}`;
}

describe('Conv2DBackpropFilter and Conv2DBackpropInput match the cpu backend', () => {
  const cases: { x: Shape4; f: Shape4; s: number | [number, number]; p: Pad }[] = [
    { x: [3, 28, 28, 1], f: [5, 5, 1, 6], s: 1, p: 'same' },
    { x: [2, 14, 14, 6], f: [5, 5, 6, 16], s: 1, p: 'valid' },
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 2, p: 'same' },
    { x: [2, 10, 10, 3], f: [3, 3, 3, 4], s: 2, p: 'same' },
    { x: [2, 10, 11, 3], f: [3, 3, 3, 5], s: 2, p: 'valid' },
    { x: [2, 8, 8, 4], f: [1, 1, 4, 8], s: 2, p: 'same' },
    { x: [2, 7, 8, 2], f: [2, 3, 2, 3], s: [2, 3], p: 'valid' },
    {
      x: [1, 6, 7, 2],
      f: [3, 3, 2, 2],
      s: 1,
      p: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
  ];
  for (const { x, f, s, p } of cases) {
    const dyShape = tf.backend_util.computeConv2DInfo(x, f, s, 1, p).outShape;
    const name = `x=[${x}] f=[${f}] s=${String(s)} p=${padName(p)}`;
    it(`Conv2DBackpropFilter ${name}`, async () => {
      const xv = randomValues(sizeOf(x), 1);
      const dyv = randomValues(sizeOf(dyShape), 2);
      const { ref, got, gotShape } = await onBoth(
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x: tf.tensor(xv, x), dy: tf.tensor(dyv, dyShape) },
              { strides: s, pad: p, dataFormat: 'NHWC', filterShape: f },
            ) as tf.Tensor,
      );
      expect(gotShape).toEqual(f);
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
    it(`Conv2DBackpropInput ${name}`, async () => {
      const fv = randomValues(sizeOf(f), 3);
      const dyv = randomValues(sizeOf(dyShape), 4);
      const { ref, got, gotShape } = await onBoth(
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, f) },
              { strides: s, pad: p, dataFormat: 'NHWC', inputShape: x },
            ) as tf.Tensor,
      );
      expect(gotShape).toEqual(x);
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
  }
});

/** Naive depthwise input / filter gradients (any dilation), the reference where cpu ignores dilation. */
function naiveDepthwiseGrads(
  x: Float32Array,
  xs: Shape4,
  w: Float32Array,
  fs: Shape4,
  dy: Float32Array,
  ds: Shape4,
  s: [number, number],
  d: [number, number],
  top: number,
  left: number,
): { dx: Float32Array; dw: Float32Array } {
  const [n, h, wd, c] = xs;
  const [fh, fw, , m] = fs;
  const [, ho, wo] = ds;
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let a = 0; a < fh; a++)
          for (let e = 0; e < fw; e++) {
            const r = i * s[0] + a * d[0] - top;
            const q = j * s[1] + e * d[1] - left;
            if (r < 0 || r >= h || q < 0 || q >= wd) continue;
            for (let ch = 0; ch < c; ch++)
              for (let k = 0; k < m; k++) {
                const g = dy[((b * ho + i) * wo + j) * c * m + ch * m + k]!;
                const xi = ((b * h + r) * wd + q) * c + ch;
                const wi = ((a * fw + e) * c + ch) * m + k;
                dx[xi] = dx[xi]! + g * w[wi]!;
                dw[wi] = dw[wi]! + g * x[xi]!;
              }
          }
  return { dx, dw };
}

describe('depthwise gradients match the cpu backend', () => {
  const cases: { x: Shape4; f: Shape4; s: number; p: Pad }[] = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 1], s: 1, p: 'same' },
    { x: [2, 9, 9, 3], f: [3, 3, 3, 2], s: 2, p: 'same' },
    { x: [2, 8, 8, 4], f: [3, 3, 4, 1], s: 2, p: 'same' },
    { x: [2, 10, 11, 3], f: [3, 3, 3, 1], s: 2, p: 'valid' },
    { x: [1, 7, 6, 2], f: [5, 5, 2, 3], s: 1, p: 'valid' },
  ];
  for (const { x, f, s, p } of cases) {
    const dyShape = tf.backend_util.computeConv2DInfo(x, f, s, 1, p, undefined, true).outShape;
    const name = `x=[${x}] f=[${f}] s=${s} p=${padName(p)}`;
    it(`DepthwiseConv2dNativeBackpropFilter ${name}`, async () => {
      const xv = randomValues(sizeOf(x), 5);
      const dyv = randomValues(sizeOf(dyShape), 6);
      const { ref, got, gotShape } = await onBoth(
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x: tf.tensor(xv, x), dy: tf.tensor(dyv, dyShape) },
              { strides: s, pad: p, dilations: 1, filterShape: f },
            ) as tf.Tensor,
      );
      expect(gotShape).toEqual(f);
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
    it(`DepthwiseConv2dNativeBackpropInput ${name}`, async () => {
      const fv = randomValues(sizeOf(f), 7);
      const dyv = randomValues(sizeOf(dyShape), 8);
      const { ref, got, gotShape } = await onBoth(
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, f) },
              { strides: s, pad: p, dilations: 1, inputShape: x },
            ) as tf.Tensor,
      );
      expect(gotShape).toEqual(x);
      expect(relError(ref, got)).toBeLessThanOrEqual(TOL);
    });
  }

  it('depthwise gradients x=[2,10,11,2] f=[3,3,2,2] s=1 d=2 p=same match naive loops', async () => {
    const x: Shape4 = [2, 10, 11, 2];
    const f: Shape4 = [3, 3, 2, 2];
    const info = tf.backend_util.computeConv2DInfo(x, f, 1, 2, 'same', undefined, true);
    const ds = info.outShape as Shape4;
    const xv = randomValues(sizeOf(x), 9);
    const fv = randomValues(sizeOf(f), 10);
    const dyv = randomValues(sizeOf(ds), 11);
    const want = naiveDepthwiseGrads(xv, x, fv, f, dyv, ds, [1, 1], [2, 2], info.padInfo.top, info.padInfo.left);
    await useWasm();
    const dw = tf
      .engine()
      .runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x: tf.tensor(xv, x), dy: tf.tensor(dyv, ds) },
        { strides: 1, pad: 'same', dilations: 2, filterShape: f },
      ) as tf.Tensor;
    const dx = tf
      .engine()
      .runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy: tf.tensor(dyv, ds), filter: tf.tensor(fv, f) },
        { strides: 1, pad: 'same', dilations: 2, inputShape: x },
      ) as tf.Tensor;
    expect(relError(want.dw, await dw.data())).toBeLessThanOrEqual(TOL);
    expect(relError(want.dx, await dx.data())).toBeLessThanOrEqual(TOL);
    tf.dispose([dw, dx]);
  });
});
