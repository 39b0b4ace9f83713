/**
 * Helpers shared by the composite wasm kernels: turning kernel inputs into tensors and computing
 * the padding of a convolution window (tfjs `backend_util.computeConv2DInfo` semantics).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Returns `info` as a `tf.Tensor`. The engine hands kernels the op's own tensors, so this is
 * normally the identity; a bare TensorInfo is wrapped (the wrapper is tracked by the caller's tidy).
 */
export function asTensor<R extends tf.Rank>(
  info: tf.TensorInfo | undefined,
  kernel: string,
  name: string,
): tf.Tensor<R> {
  if (info === undefined) throw new Error(`${kernel}: missing input '${name}'`);
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** Explicit 4-D padding in the layout tfjs conv ops accept: `[[0,0],[top,bottom],[left,right],[0,0]]`. */
export type ExplicitPadding4D = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Crops (negative padding) and pads `x` (`[batch, height, width, channels]`) so that rows
 * `-top .. height-1+bottom` and columns `-left .. width-1+right` remain. Returns the cropped
 * tensor and the non-negative padding still to apply (conv ops take it as explicit padding).
 */
export function cropForPadding(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: tf.Tensor4D; pad: ExplicitPadding4D } {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  const cropped =
    cropTop + cropBottom + cropLeft + cropRight === 0
      ? x
      : tf.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  const pad: ExplicitPadding4D = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return { x: cropped, pad };
}

/** Reads a `[h, w]` or scalar conv attribute as a pair. */
export function pair(v: unknown, kernel: string, name: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  if (v === undefined || v === null) return [1, 1];
  throw new Error(`${kernel}: attribute ${name} = ${JSON.stringify(v)} is not a number or [h, w] pair`);
}
