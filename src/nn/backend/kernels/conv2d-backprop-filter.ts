/**
 * `Conv2DBackpropFilter` for the wasm backend, as one XNNPACK convolution (not a JS loop).
 *
 * dW[a, b, ci, co] = Σ_{n,i,j} x[n, i·sh + a − padTop, j·sw + b − padLeft, ci] · dy[n, i, j, co]
 *
 * is a correlation over (i, j) with batch `n` as the reduced "channel" axis: transpose x to
 * `[ci, h, w, n]` (batch = ci, channels = n) and dy to `[ho, wo, n, co]` (a filter), convolve with
 * stride 1 and dilation (sh, sw), and transpose the `[ci, fh, fw, co]` result to HWIO.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, cropForPadding, pair } from './tensor-info.js';

const KERNEL = 'Conv2DBackpropFilter';

/**
 * Filter gradient of a 2-D convolution.
 * @param x input `[batch, inHeight, inWidth, inChannels]` (NHWC)
 * @param dy output gradient `[batch, outHeight, outWidth, outChannels]`
 * @param filterShape `[filterHeight, filterWidth, inChannels, outChannels]` (HWIO)
 * @returns dW with shape `filterShape`; the caller owns it.
 */
export function conv2dBackpropFilterComposite(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [fh, fw] = filterShape;
  const [sh, sw] = strides;
  const { outHeight: ho, outWidth: wo } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Rows -top .. -top + (fh-1) + (ho-1)*sh are read; anything beyond the input is zero padding.
  const bottom = fh + (ho - 1) * sh - x.shape[1] - top;
  const right = fw + (wo - 1) * sw - x.shape[2] - left;
  return tf.tidy(() => {
    const { x: xc, pad: p } = cropForPadding(x, top, bottom, left, right);
    const xT = tf.transpose(xc, [3, 1, 2, 0]); // [ci, h', w', n]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [ho, wo, n, co]
    const out = tf.conv2d(xT, dyT, 1, p, 'NHWC', [sh, sw]); // [ci, fh, fw, co]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** Kernel registration entry (inputs `x`, `dy`; attrs as in tfjs `Conv2DBackpropFilterAttrs`). */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const a = attrs ?? {};
    if (a['dataFormat'] !== undefined && a['dataFormat'] !== 'NHWC') {
      throw new Error(`${KERNEL} (wasm): dataFormat = ${String(a['dataFormat'])} is not supported (NHWC only)`);
    }
    const x = asTensor<tf.Rank.R4>(inputs['x'], KERNEL, 'x');
    const dy = asTensor<tf.Rank.R4>(inputs['dy'], KERNEL, 'dy');
    return conv2dBackpropFilterComposite(
      x,
      dy,
      a['filterShape'] as [number, number, number, number],
      pair(a['strides'], KERNEL, 'strides'),
      a['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
      a['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
  },
};
