/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, as one XNNPACK depthwise convolution.
 *
 * dW[a, b, c, m] = Σ_{n,i,j} x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c] · dy[n, i, j, c·M + m]
 *
 * Folding the batch into the channels turns this into a depthwise correlation of one image
 * `[1, h, w, n·c]` with the filter `dy` laid out as `[ho, wo, n·c, M]`, stride (dh, dw) and
 * dilation (sh, sw); the `[1, fh, fw, n·c·M]` result is summed over n.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, cropForPadding, pair } from './tensor-info.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

/**
 * Filter gradient of a depthwise 2-D convolution.
 * @param x input `[batch, inHeight, inWidth, inChannels]` (NHWC)
 * @param dy output gradient `[batch, outHeight, outWidth, inChannels * channelMultiplier]`
 * @param filterShape `[filterHeight, filterWidth, inChannels, channelMultiplier]`
 * @returns dW with shape `filterShape`; the caller owns it.
 */
export function depthwiseBackpropFilterComposite(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  dilations: [number, number],
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true);
  const [fh, fw, c, m] = filterShape;
  const [n] = x.shape;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const { outHeight: ho, outWidth: wo } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = (fh - 1) * dh + (ho - 1) * sh + 1 - x.shape[1] - top;
  const right = (fw - 1) * dw + (wo - 1) * sw + 1 - x.shape[2] - left;
  return tf.tidy(() => {
    const { x: xc, pad: p } = cropForPadding(x, top, bottom, left, right);
    const [, hc, wc] = xc.shape;
    const xr = tf.reshape<tf.Rank.R4>(tf.transpose(xc, [1, 2, 0, 3]), [1, hc, wc, n * c]); // [1, h', w', n·c]
    const f = tf.reshape<tf.Rank.R4>(tf.transpose(dy, [1, 2, 0, 3]), [ho, wo, n * c, m]); // [ho, wo, n·c, M]
    const out = tf.depthwiseConv2d(xr, f, [dh, dw], p, 'NHWC', [sh, sw]); // [1, fh, fw, n·c·M]
    return tf.reshape(tf.sum(tf.reshape(out, [fh, fw, n, c * m]), 2), [fh, fw, c, m]);
  });
}

/** Kernel registration entry (inputs `x`, `dy`; attrs as in tfjs `DepthwiseConv2dNativeBackpropFilterAttrs`). */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const a = attrs ?? {};
    const x = asTensor<tf.Rank.R4>(inputs['x'], KERNEL, 'x');
    const dy = asTensor<tf.Rank.R4>(inputs['dy'], KERNEL, 'dy');
    return depthwiseBackpropFilterComposite(
      x,
      dy,
      a['filterShape'] as [number, number, number, number],
      pair(a['strides'], KERNEL, 'strides'),
      pair(a['dilations'], KERNEL, 'dilations'),
      a['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
      a['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
  },
};
