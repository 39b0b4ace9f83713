/**
 * Training kernels for `@tensorflow/tfjs-backend-wasm` 4.22: composites of its own XNNPACK
 * kernels where XNNPACK is fast, single JS passes over the wasm heap where it is not.
 *
 * Missing in the package (training a conv net fails without them): `Conv2DBackpropFilter` and
 * `DepthwiseConv2dNativeBackpropInput` (XNNPACK convolutions), `DepthwiseConv2dNativeBackpropFilter`
 * (heap loop).
 * Present but slow, replaced (measured on LeNet-5 / VGG training steps, see docs in each file):
 * `Conv2DBackpropInput` (scalar loop → XNNPACK convolution), `MaxPoolGrad` and `AvgPoolGrad`
 * (window rescans → one JS pass over the wasm heap), `BatchMatMul` with transposed operands
 * (→ explicit transpose + plain GEMM), `Tile` (per-element loop → block copies), `Identity`
 * (copy → alias), `Sum`/`Mean` over leading axes (transpose + reduce → avg-pool based),
 * `Reverse` (per-element loop → block copies), `Slice` (copy of the whole input → block copies).
 * Everything else a training step of the model zoo runs is native in wasm; batch-norm gradients
 * are composed from primitive ops (Tile, Sum, Mul, …) by tfjs-core itself.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm'; // registers the wasm backend and the kernels overridden below
import { batchMatMulConfig } from './batch-matmul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { meanConfig, sumConfig } from './leading-reduce.js';
import { avgPoolGradConfig, maxPoolGradConfig } from './pool-grads.js';
import { identityConfig, reverseConfig, sliceConfig, tileConfig } from './reshape-like.js';

/**
 * Importing the wasm package registers `wasm` with priority 2, above `cpu` (1). tfjs then picks
 * wasm as the default backend of every process that merely imports this module, and synchronous
 * tf calls before `await tf.ready()` throw ("backend 'wasm' has not yet been initialized"). Re-register
 * it with priority 0 (while it is not initialised) so that only `initBackend` / `tf.setBackend`
 * select it.
 */
function demoteWasmPriority(): void {
  const engine = tf.engine();
  const factory = tf.findBackendFactory('wasm');
  if (factory === null || factory === undefined || 'wasm' in engine.registry) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 0);
}
demoteWasmPriority();

export { conv2dBackpropFilterComposite } from './conv2d-backprop-filter.js';
export { conv2dBackpropInputComposite } from './conv2d-backprop-input.js';
export { depthwiseFilterGrad } from './depthwise-backprop-filter.js';
export { depthwiseBackpropInputComposite } from './depthwise-backprop-input.js';

/** Kernels the wasm package lacks; always registered. */
export const MISSING_WASM_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** Package kernels replaced or wrapped for speed (see module doc). */
export const OVERRIDDEN_WASM_KERNELS = [
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'BatchMatMul',
  'Tile',
  'Identity',
  'Sum',
  'Mean',
  'Reverse',
  'Slice',
] as const;

const missingConfigs: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
];

/**
 * Replacements keep the original's `setupFunc`: the engine runs it when the wasm backend starts,
 * so the original kernel still works if it is restored (`overrides: false`) later.
 */
const replaceWith =
  (config: tf.KernelConfig) =>
  (original: tf.KernelConfig): tf.KernelConfig => ({ ...original, kernelFunc: config.kernelFunc });

const overrideFactories: Record<
  (typeof OVERRIDDEN_WASM_KERNELS)[number],
  (original: tf.KernelConfig) => tf.KernelConfig
> = {
  Conv2DBackpropInput: replaceWith(conv2dBackpropInputConfig),
  MaxPoolGrad: replaceWith(maxPoolGradConfig),
  AvgPoolGrad: replaceWith(avgPoolGradConfig),
  BatchMatMul: batchMatMulConfig,
  Tile: tileConfig,
  Identity: identityConfig,
  Sum: sumConfig,
  Mean: meanConfig,
  Reverse: reverseConfig,
  Slice: sliceConfig,
};

/** The package's own configs of overridden kernels, kept to restore them. */
const originals = new Map<string, tf.KernelConfig>();
/** Configs registered by this module (so a second call does not wrap a wrapper). */
const ours = new WeakSet<tf.KernelConfig>();

function replaceKernel(config: tf.KernelConfig, mine: boolean): void {
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
  if (mine) ours.add(config);
}

/**
 * Registers the missing training kernels on the wasm backend and, unless `overrides` is false,
 * replaces the slow package kernels listed in {@link OVERRIDDEN_WASM_KERNELS}. With
 * `overrides: false` the package's originals are put back. Idempotent; works before or after the
 * wasm backend is initialised.
 * @returns the names of kernels whose registration changed in this call.
 */
export function registerWasmTrainingKernels(opts: { overrides?: boolean } = {}): string[] {
  const changed: string[] = [];
  for (const config of missingConfigs) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel(config);
    ours.add(config);
    changed.push(config.kernelName);
  }
  const useOverrides = opts.overrides ?? true;
  for (const name of OVERRIDDEN_WASM_KERNELS) {
    const current = tf.getKernel(name, 'wasm');
    const isOurs = current !== undefined && ours.has(current);
    if (useOverrides && !isOurs) {
      if (current === undefined) throw new Error(`registerWasmTrainingKernels: wasm kernel ${name} is not registered`);
      originals.set(name, current);
      replaceKernel(overrideFactories[name](current), true);
      changed.push(name);
    } else if (!useOverrides && isOurs) {
      const original = originals.get(name);
      if (original !== undefined) {
        replaceKernel(original, false);
        changed.push(name);
      }
    }
  }
  return changed;
}
