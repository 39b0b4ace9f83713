/**
 * `BatchMatMul` on wasm with transposed operands. The package's kernel is ~7× slower when
 * `transposeA` or `transposeB` is set (3.2 ms instead of 0.5 ms for the `[64,400]ᵀ·[64,120]` weight
 * gradient of LeNet-5's fc1): dense-layer gradients hit exactly that path. This wrapper transposes
 * the operand explicitly (one XNNPACK transpose) and calls the original kernel untransposed.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor } from './tensor-info.js';

const KERNEL = 'BatchMatMul';

/** Swaps the last two axes (`[..., rows, cols]` → `[..., cols, rows]`). */
function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(t, perm);
}

/** Wraps the package's `BatchMatMul` config (inputs `a`, `b`: `[batch, m, k]`, `[batch, k, n]`). */
export function batchMatMulConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const attrs = args.attrs ?? {};
      const ta = attrs['transposeA'] === true;
      const tb = attrs['transposeB'] === true;
      if (!ta && !tb) return original.kernelFunc(args);
      const a = asTensor(args.inputs['a'], KERNEL, 'a');
      const b = asTensor(args.inputs['b'], KERNEL, 'b');
      return tf.tidy(() => {
        const a2 = ta ? swapLast(a) : a;
        const b2 = tb ? swapLast(b) : b;
        return tf
          .engine()
          .runKernel(KERNEL, { a: a2, b: b2 }, { ...attrs, transposeA: false, transposeB: false }) as tf.Tensor;
      });
    },
  };
}
