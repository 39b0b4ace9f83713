/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend, as one XNNPACK depthwise convolution.
 *
 * dx[n, h, w, c] = Σ_{m,a,b} dy↑[n, h + padTop − a·dh, w + padLeft − b·dw, c·M + m] · W[a, b, c, m]
 *
 * where dy↑ is dy with (sh − 1) zero rows / (sw − 1) zero columns inserted between samples. That is a
 * stride-1 depthwise correlation of the zero-padded dy↑ with the spatially flipped filter, one
 * channel per (c, m), followed by a sum over m when the channel multiplier M > 1.
 */
import * as tf from '@tensorflow/tfjs';
import { zeroInsert } from './conv2d-backprop-input.js';
import { asTensor, cropForPadding, pair } from './tensor-info.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

/**
 * Input gradient of a depthwise 2-D convolution.
 * @param inputShape `[batch, inHeight, inWidth, inChannels]` (NHWC) of the forward input
 * @param dy output gradient `[batch, outHeight, outWidth, inChannels * channelMultiplier]`
 * @param filter `[filterHeight, filterWidth, inChannels, channelMultiplier]`
 * @returns dx with shape `inputShape`; the caller owns it.
 */
export function depthwiseBackpropInputComposite(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  dilations: [number, number],
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [n, h, w, c] = inputShape;
  const [fh, fw, , m] = filter.shape;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const effH = (fh - 1) * dh + 1;
  const effW = (fw - 1) * dw + 1;
  return tf.tidy(() => {
    const up = zeroInsert(dy, sh, sw);
    const top = effH - 1 - info.padInfo.top;
    const left = effW - 1 - info.padInfo.left;
    const bottom = h + effH - 1 - top - up.shape[1];
    const right = w + effW - 1 - left - up.shape[2];
    const { x: upc, pad: p } = cropForPadding(up, top, bottom, left, right);
    const flipped = tf.reshape<tf.Rank.R4>(tf.reverse(filter, [0, 1]), [fh, fw, c * m, 1]);
    const dx = tf.depthwiseConv2d(upc, flipped, 1, p, 'NHWC', [dh, dw]); // [n, h, w, c·M]
    return m === 1 ? dx : tf.sum(tf.reshape(dx, [n, h, w, c, m]), 4);
  });
}

/** Kernel registration entry (inputs `dy`, `filter`; attrs as in tfjs `DepthwiseConv2dNativeBackpropInputAttrs`). */
export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const a = attrs ?? {};
    const dy = asTensor<tf.Rank.R4>(inputs['dy'], KERNEL, 'dy');
    const filter = asTensor<tf.Rank.R4>(inputs['filter'], KERNEL, 'filter');
    return depthwiseBackpropInputComposite(
      a['inputShape'] as [number, number, number, number],
      dy,
      filter,
      pair(a['strides'], KERNEL, 'strides'),
      pair(a['dilations'], KERNEL, 'dilations'),
      a['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
      a['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
  },
};
