/**
 * Cheaper training kernels for the native TensorFlow backend (tfjs-node's `tensorflow`), installed when it loads.
 * tfjs differentiates ReLU as `dy * step(x)`, and tfjs-node runs `step` as six full-size TensorFlow ops
 * (IsNan, Greater, OnesLike, Fill, two Selects). Here:
 * - the ReLU gradient is one kernel, `HwsweepReluGrad` (`[same shape as x]`): TensorFlow's fused `ReluGrad` on the
 *   native backend, and exactly tfjs's own `dy * step(x)` on every other backend (bit-identical to before);
 * - `Step` with `alpha = 0` on float32 is `Sign(Relu(x))` (2 ops; NaN stays NaN, as in tfjs), used by the
 *   fused conv/matmul gradients.
 * Measured on the VGG-style net (1 thread): 188 -> 210 training images per CPU-second (bench notes in the README).
 * TensorFlow's `ReluGrad` gives 0 where `x` is NaN (tfjs: NaN): a net with NaN activations is already lost.
 */
import * as tf from '@tensorflow/tfjs';

export const RELU_GRAD = 'HwsweepReluGrad';

/** What hwsweep uses of tfjs-node's backend class (tfjs-node 4.x `NodeJSKernelBackend`). */
export interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(op: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
  /** True when TensorFlow placed it on a GPU device (only the GPU package can). */
  isUsingGpuDevice?: boolean;
}

const floatT = (b: NodeBackend): unknown[] => [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }];

let installed = false;

/**
 * Registers the kernels above and the ReLU gradient that uses them. Idempotent; call after tfjs-node's kernels.
 * @param nativeName tfjs's name of the native backend (`tensorflow`).
 */
export function registerNativeTrainingKernels(nativeName: string): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: nativeName,
    kernelFunc: ({ inputs, backend }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      if (x.dtype !== 'float32' || dy.dtype !== 'float32') return tf.mul(dy as tf.Tensor, tf.step(tf.cast(x as tf.Tensor, 'float32')));
      return (backend as unknown as NodeBackend).executeSingleOutput('ReluGrad', floatT(backend as unknown as NodeBackend), [dy, x]);
    },
  });
  for (const backendName of ['cpu', 'wasm']) {
    tf.registerKernel({
      kernelName: RELU_GRAD,
      backendName,
      // tfjs-core's own Relu gradient, unchanged.
      kernelFunc: ({ inputs }) => {
        const { dy, x } = inputs as { dy: tf.Tensor; x: tf.Tensor };
        return tf.tidy(() => tf.mul(dy, tf.step(tf.cast(x, 'float32'))));
      },
    });
  }
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x: saved[0]! }) as tf.Tensor,
    }),
  });

  const original = tf.getKernel('Step', nativeName);
  if (original) {
    tf.unregisterKernel('Step', nativeName);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const { x } = args.inputs as { x: tf.TensorInfo };
        if ((args.attrs as { alpha?: number }).alpha !== 0 || x.dtype !== 'float32') return original.kernelFunc(args);
        const b = args.backend as unknown as NodeBackend;
        const relu = b.executeSingleOutput('Relu', floatT(b), [x]);
        const out = b.executeSingleOutput('Sign', floatT(b), [relu]);
        relu.dispose();
        return out;
      },
    });
  }
}
