/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend: one JS pass over the wasm heap.
 *
 * dW[a, b, c, m] = Σ_{n,i,j} x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c] · dy[n, i, j, c·M + m]
 *
 * accumulated in float64 in (n, i, j) order, as the cpu backend does. An XNNPACK formulation
 * exists (batch folded into channels: a depthwise correlation of `[1, h, w, n·c]` with dy as a
 * `[ho, wo, n·c, M]` filter), but XNNPACK runs such huge-kernel depthwise convolutions at
 * ~0.2 GMAC/s: 53 ms for MobileNet's `[32,32,32,32]` layer at batch 32, ~5× slower than this loop.
 */
import * as tf from '@tensorflow/tfjs';
import { pair } from './tensor-info.js';
import { f32, heapBackend } from './wasm-heap.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

/**
 * Filter gradient of a depthwise 2-D convolution, into `dw` (`[fh, fw, C, M]`, row-major).
 * @param x input `[batch, inHeight, inWidth, inChannels]` (NHWC), flat
 * @param dy output gradient `[batch, outHeight, outWidth, inChannels * channelMultiplier]`, flat
 */
export function depthwiseFilterGrad(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  channelMultiplier: number,
): void {
  const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const {
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dwl,
    filterHeight: fh,
    filterWidth: fw,
  } = info;
  const M = channelMultiplier;
  const CM = C * M;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(fh * fw * CM);
  for (let n = 0; n < nb; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        const o = ((n * OH + i) * OW + j) * CM;
        for (let a = 0; a < fh; a++) {
          const r = i * sh + a * dh - top;
          if (r < 0 || r >= H) continue;
          for (let b = 0; b < fw; b++) {
            const q = j * sw + b * dwl - left;
            if (q < 0 || q >= W) continue;
            const xi = ((n * H + r) * W + q) * C;
            const wi = (a * fw + b) * CM;
            if (M === 1) {
              // Unrolled by 4: ~1.6× faster in V8 than the plain loop.
              let c = 0;
              for (; c + 4 <= C; c += 4) {
                acc[wi + c] = acc[wi + c]! + x[xi + c]! * dy[o + c]!;
                acc[wi + c + 1] = acc[wi + c + 1]! + x[xi + c + 1]! * dy[o + c + 1]!;
                acc[wi + c + 2] = acc[wi + c + 2]! + x[xi + c + 2]! * dy[o + c + 2]!;
                acc[wi + c + 3] = acc[wi + c + 3]! + x[xi + c + 3]! * dy[o + c + 3]!;
              }
              for (; c < C; c++) acc[wi + c] = acc[wi + c]! + x[xi + c]! * dy[o + c]!;
            } else {
              for (let c = 0; c < C; c++) {
                const xv = x[xi + c]!;
                for (let m = 0; m < M; m++) acc[wi + c * M + m] = acc[wi + c * M + m]! + xv * dy[o + c * M + m]!;
              }
            }
          }
        }
      }
    }
  }
  dw.set(acc);
}

/** Kernel registration entry (inputs `x`, `dy`; attrs as in tfjs `DepthwiseConv2dNativeBackpropFilterAttrs`). */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const a = attrs ?? {};
    const xInfo = inputs['x'];
    const dyInfo = inputs['dy'];
    if (xInfo === undefined || dyInfo === undefined) throw new Error(`${KERNEL}: missing input 'x' or 'dy'`);
    const filterShape = a['filterShape'] as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      xInfo.shape as [number, number, number, number],
      filterShape,
      pair(a['strides'], KERNEL, 'strides'),
      pair(a['dilations'], KERNEL, 'dilations'),
      a['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
      a['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
      true,
    );
    const be = heapBackend(backend, KERNEL);
    const out = be.makeOutput(filterShape, 'float32');
    depthwiseFilterGrad(
      f32(be, xInfo, KERNEL, 'x'),
      f32(be, dyInfo, KERNEL, 'dy'),
      f32(be, out, KERNEL, 'dW'),
      info,
      filterShape[3],
    );
    return out;
  },
};
