/**
 * `MaxPoolGrad` and `AvgPoolGrad` for the wasm backend as single passes over the heap. The
 * package's kernels are scalar C loops that rescan windows per input pixel: 7–19 ms for LeNet-5's
 * `[64,28,28,6]` pool at batch 64, against well under 1 ms here. The package's MaxPoolGrad is also
 * wrong for windows of negative values (55 of 216 gradients differ from the cpu backend on a
 * `[2,6,6,3]` input shifted below zero; all agree for positive inputs, e.g. after a ReLU). Semantics follow the cpu backend:
 * max-pool routes dy to the FIRST maximum of each window in row-major order (`v > best`, so NaN
 * and windows that are all padding get nothing); avg-pool spreads dy / (fh·fw) over the window,
 * padding included in the divisor.
 */
import * as tf from '@tensorflow/tfjs';
import { pair } from './tensor-info.js';
import { f32, heapBackend } from './wasm-heap.js';

type PoolPad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

function poolInfo(xShape: number[], attrs: tf.NamedAttrMap, kernel: string): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    pair(attrs['filterSize'], kernel, 'filterSize'),
    pair(attrs['strides'], kernel, 'strides'),
    1,
    attrs['pad'] as PoolPad,
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
  );
}

function input(inputs: tf.NamedTensorInfoMap, name: string, kernel: string): tf.TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${kernel}: missing input '${name}'`);
  return t;
}

/**
 * Max-pool gradient. Inputs: `dy` `[batch, outH, outW, C]`, `input` (forward x) `[batch, inH, inW, C]`
 * (the forward `output` is not needed). Output dx `[batch, inH, inW, C]`.
 */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const K = 'MaxPoolGrad';
    const be = heapBackend(backend, K);
    const xInfo = input(inputs, 'input', K);
    const dyInfo = input(inputs, 'dy', K);
    const ci = poolInfo(xInfo.shape, attrs ?? {}, K);
    const out = be.makeOutput(xInfo.shape, 'float32');
    const x = f32(be, xInfo, K, 'input');
    const dy = f32(be, dyInfo, K, 'dy');
    const dx = f32(be, out, K, 'dx');
    const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = ci;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = ci;
    const top = ci.padInfo.top;
    const left = ci.padInfo.left;
    // Offsets of the window's pixels (row-major) from its top-left pixel, for windows fully inside.
    const offsets = new Int32Array(fh * fw);
    for (let a = 0; a < fh; a++) for (let e = 0; e < fw; e++) offsets[a * fw + e] = (a * W + e) * C;
    const y = f32(be, input(inputs, 'output', K), K, 'output');
    // Tiles that cover the input write every dx element; otherwise start from zeros.
    if (!(fh === sh && fw === sw && top === 0 && left === 0 && OH * fh === H && OW * fw === W)) dx.fill(0);
    if (fh === sh && fw === sw && top === 0 && left === 0 && OH * fh <= H && OW * fw <= W) {
      maxPoolGradTiled(x, y, dy, dx, nb, H, W, C, OH, OW, fh, fw, offsets);
    } else {
      maxPoolGradGeneral(x, dy, dx, nb, H, W, C, OH, OW, sh, sw, fh, fw, top, left, offsets);
    }
    return out;
  },
};

/**
 * Non-overlapping windows (size = stride, no padding): branch-free. With the window max m = y
 * (the forward output), dy goes to the first pixel equal to m: g_k = rem · [x_k = m], rem −= g_k.
 * A data-dependent `if (v > best)` costs ~4× more here on random data (mispredicted branches).
 */
function maxPoolGradTiled(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  nb: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
  fh: number,
  fw: number,
  offsets: Int32Array,
): void {
  const last = offsets.length - 1;
  const [o1 = 0, o2 = 0, o3 = 0] = [offsets[1], offsets[2], offsets[3]];
  let o = 0;
  for (let b = 0; b < nb; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o += C) {
        const base = ((b * H + oh * fh) * W + ow * fw) * C;
        for (let c = 0; c < C; c++) {
          const m = y[o + c]!;
          // The cpu backend routes nothing from a window that is all -Inf.
          let rem = m === -Infinity ? 0 : dy[o + c]!;
          const at = base + c;
          if (last === 3 && fw === 2) {
            // 2×2 windows (the zoo's pools), unrolled.
            const g0 = rem * +(x[at] === m);
            dx[at] = g0;
            rem -= g0;
            const g1 = rem * +(x[at + o1] === m);
            dx[at + o1] = g1;
            rem -= g1;
            const g2 = rem * +(x[at + o2] === m);
            dx[at + o2] = g2;
            dx[at + o3] = rem - g2;
            continue;
          }
          for (let k = 0; k < last; k++) {
            const i = at + offsets[k]!;
            const g = rem * +(x[i] === m);
            dx[i] = g;
            rem -= g;
          }
          dx[at + offsets[last]!] = rem;
        }
      }
    }
  }
}

/** Any window: for each output, find the first maximum (`v > best`), then add dy there. */
function maxPoolGradGeneral(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  nb: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
  sh: number,
  sw: number,
  fh: number,
  fw: number,
  top: number,
  left: number,
  offsets: Int32Array,
): void {
  const taps = offsets.length;
  let o = 0; // flat index into dy
  for (let b = 0; b < nb; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - top;
      const rowsInside = h0 >= 0 && h0 + fh <= H;
      for (let ow = 0; ow < OW; ow++, o += C) {
        const w0 = ow * sw - left;
        if (rowsInside && w0 >= 0 && w0 + fw <= W) {
          const base = ((b * H + h0) * W + w0) * C;
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            for (let k = 0; k < taps; k++) {
              const i = base + c + offsets[k]!;
              const v = x[i]!;
              if (v > best) {
                best = v;
                at = i;
              }
            }
            if (at >= 0) dx[at] = dx[at]! + dy[o + c]!;
          }
        } else {
          const hLo = Math.max(0, h0);
          const hHi = Math.min(H, h0 + fh);
          const wLo = Math.max(0, w0);
          const wHi = Math.min(W, w0 + fw);
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            for (let h = hLo; h < hHi; h++) {
              for (let w = wLo; w < wHi; w++) {
                const i = ((b * H + h) * W + w) * C + c;
                const v = x[i]!;
                if (v > best) {
                  best = v;
                  at = i;
                }
              }
            }
            if (at >= 0) dx[at] = dx[at]! + dy[o + c]!;
          }
        }
      }
    }
  }
}

/** Avg-pool gradient. Inputs: `dy` `[batch, outH, outW, C]`, `input` `[batch, inH, inW, C]`. Output dx like input. */
export const avgPoolGradConfig: tf.KernelConfig = {
  kernelName: 'AvgPoolGrad',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const K = 'AvgPoolGrad';
    const be = heapBackend(backend, K);
    const xInfo = input(inputs, 'input', K);
    const dyInfo = input(inputs, 'dy', K);
    const ci = poolInfo(xInfo.shape, attrs ?? {}, K);
    const out = be.makeOutput(xInfo.shape, 'float32');
    const dy = f32(be, dyInfo, K, 'dy');
    const dx = f32(be, out, K, 'dx');
    dx.fill(0);
    const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = ci;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = ci;
    const scale = 1 / (fh * fw);
    let o = 0;
    for (let b = 0; b < nb; b++) {
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * sh - ci.padInfo.top;
        const hLo = Math.max(0, h0);
        const hHi = Math.min(H, h0 + fh);
        for (let ow = 0; ow < OW; ow++, o += C) {
          const w0 = ow * sw - ci.padInfo.left;
          const wLo = Math.max(0, w0);
          const wHi = Math.min(W, w0 + fw);
          for (let h = hLo; h < hHi; h++) {
            for (let w = wLo; w < wHi; w++) {
              const base = ((b * H + h) * W + w) * C;
              for (let c = 0; c < C; c++) dx[base + c] = dx[base + c]! + dy[o + c]! * scale;
            }
          }
        }
      }
    }
    return out;
  },
};
