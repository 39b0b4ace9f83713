/**
 * `Conv2DBackpropInput` for the wasm backend as one XNNPACK convolution. The wasm package has
 * this kernel, but as a scalar loop: ~16 ms of a 56 ms LeNet-5 step (batch 64); this is ~1 ms.
 *
 * dx[n, h, w, ci] = Σ_{a,b,co} dy↑[n, h + padTop − a, w + padLeft − b, co] · W[a, b, ci, co]
 *
 * with dy↑ = dy with (s − 1) zeros inserted between samples: a stride-1 correlation of the padded
 * dy↑ with the spatially flipped, in/out-transposed filter `[fh, fw, co, ci]`.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, cropForPadding, pair } from './tensor-info.js';

const KERNEL = 'Conv2DBackpropInput';

/** Inserts `s − 1` zeros between samples of axes 1 and 2: `[n, h, w, c]` → `[n, (h−1)·sh+1, (w−1)·sw+1, c]`. */
export function zeroInsert(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const up = tf.reshape<tf.Rank.R4>(spread, [n, h * sh, w * sw, c]);
  return tf.slice(up, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * Input gradient of a 2-D convolution (dilation 1, as tfjs requires for conv gradients).
 * @param inputShape `[batch, inHeight, inWidth, inChannels]` (NHWC) of the forward input
 * @param dy output gradient `[batch, outHeight, outWidth, outChannels]`
 * @param filter `[filterHeight, filterWidth, inChannels, outChannels]` (HWIO)
 * @returns dx with shape `inputShape`; the caller owns it.
 */
export function conv2dBackpropInputComposite(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [, h, w] = inputShape;
  const [fh, fw] = filter.shape;
  const [sh, sw] = strides;
  return tf.tidy(() => {
    const up = zeroInsert(dy, sh, sw);
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    const bottom = h + fh - 1 - top - up.shape[1];
    const right = w + fw - 1 - left - up.shape[2];
    const { x: upc, pad: p } = cropForPadding(up, top, bottom, left, right);
    const g = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [fh, fw, co, ci]
    return tf.conv2d(upc, g, 1, p);
  });
}

/** Kernel registration entry (inputs `dy`, `filter`; attrs as in tfjs `Conv2DBackpropInputAttrs`). */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const a = attrs ?? {};
    if (a['dataFormat'] !== undefined && a['dataFormat'] !== 'NHWC') {
      throw new Error(`${KERNEL} (wasm): dataFormat = ${String(a['dataFormat'])} is not supported (NHWC only)`);
    }
    const dy = asTensor<tf.Rank.R4>(inputs['dy'], KERNEL, 'dy');
    const filter = asTensor<tf.Rank.R4>(inputs['filter'], KERNEL, 'filter');
    return conv2dBackpropInputComposite(
      a['inputShape'] as [number, number, number, number],
      dy,
      filter,
      pair(a['strides'], KERNEL, 'strides'),
      a['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
      a['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
  },
};
