/**
 * `Sum` and `Mean` over leading axes (`[0, …, k−1]` of a row-major tensor, e.g. the `[0, 1, 2]`
 * of batch-norm statistics and bias gradients on NHWC) as one XNNPACK average pooling of
 * `x` viewed as `[1, M, 1, N]` with an `M × 1` window (the sum is the mean times M). The package
 * transposes the reduced axes to the end first: 4–8 ms for `[32,28,28,32]` against 0.2 ms here.
 * Other axes and non-float32 inputs use the original.
 *
 * Not a matrix product with a ones row: the package caches XNNPACK fully-connected operators by
 * the id of the `b` operand and ignores its shape, so the same data reshaped two ways (two
 * reductions of one tensor) would reuse a stale operator and read out of bounds.
 */
import * as tf from '@tensorflow/tfjs';

/** `[M, N]` split when `axes` are exactly the leading axes of `shape`, else undefined. */
function leadingSplit(shape: number[], axes: number[]): { m: number; n: number } | undefined {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0 || !sorted.every((a, i) => a === i)) return undefined;
  const k = sorted.length;
  const m = shape.slice(0, k).reduce((a, b) => a * b, 1);
  const n = shape.slice(k).reduce((a, b) => a * b, 1);
  return { m, n };
}

function reduceConfig(original: tf.KernelConfig, mean: boolean): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs['x'];
      if (x === undefined) throw new Error(`${original.kernelName}: missing input 'x'`);
      const attrs = args.attrs ?? {};
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const split = x.dtype === 'float32' ? leadingSplit(x.shape, axes) : undefined;
      if (split === undefined || split.m === 0) return original.kernelFunc(args);
      const keepDims = attrs['keepDims'] === true;
      const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.slice(axes.length);
      const xt = x instanceof tf.Tensor ? x : tf.engine().makeTensorFromTensorInfo(x);
      return tf.tidy(() => {
        const avg = tf.avgPool(
          tf.reshape<tf.Rank.R4>(xt, [1, split.m, 1, split.n]),
          [split.m, 1],
          [split.m, 1],
          'valid',
        );
        return tf.reshape(mean ? avg : tf.mul(avg, split.m), outShape);
      });
    },
  };
}

/** Wraps the package's `Sum`. */
export const sumConfig = (original: tf.KernelConfig): tf.KernelConfig => reduceConfig(original, false);
/** Wraps the package's `Mean`. */
export const meanConfig = (original: tf.KernelConfig): tf.KernelConfig => reduceConfig(original, true);
