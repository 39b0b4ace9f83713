import { initBackend, nativeInfo, type ActiveBackend } from '../../src/nn/backend/index.js';

/**
 * Activates the native TensorFlow backend this project (vitest project `native`) exists for: hwsweep's build, or an
 * installed @tensorflow/tfjs-node[-gpu]. Throws when none loads: the project is only in the run when a build is there.
 */
export async function useNative(): Promise<ActiveBackend> {
  // TF32 would round GPU matmul/conv inputs to 10 mantissa bits; the comparisons are with float32 references.
  process.env['NVIDIA_TF32_OVERRIDE'] ??= '0';
  const quiet = { log: (): void => undefined };
  const info = nativeInfo();
  if (info) return initBackend(info.gpu ? 'tensorflow-gpu' : 'tensorflow', quiet);
  // Explicit choices: `auto` would keep whatever backend an earlier test activated. A GPU build on a GPU machine
  // is the `tensorflow-gpu` choice; a CPU build (or a GPU build without a GPU) is `tensorflow`.
  return initBackend('tensorflow-gpu', quiet).catch(() => initBackend('tensorflow', quiet));
}

/**
 * Relative error allowed against the cpu backend: 1e-4 on the CPU, as for the wasm kernels; 1e-3 on a GPU, whose
 * cuDNN convolution algorithms (Winograd, FFT) and reduction orders differ more from a naive float32 loop.
 */
export function tolerance(): number {
  return nativeInfo()?.gpu ? 1e-3 : 1e-4;
}
