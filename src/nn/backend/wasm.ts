/**
 * The wasm (XNNPACK) backend: the default CPU backend of hwsweep. Initialises it and registers the
 * training kernels of `./kernels` so that the model zoo trains on it.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './kernels/index.js';

/** What the wasm backend reports after initialisation. */
export interface WasmStatus {
  simd: boolean;
  /** True when the threaded build runs (tfjs 4.22 disables threads under Node: always false here). */
  multithread: boolean;
  threads: number;
}

/**
 * Registers the training kernels and activates the `wasm` backend.
 * @param threads XNNPACK thread count; only honoured by the threaded build, which tfjs 4.22 never
 *   selects under Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false there), so it is recorded and ignored.
 * @returns the status, or `undefined` when wasm cannot initialise (the caller falls back to `cpu`).
 */
export async function activateWasm(threads?: number): Promise<WasmStatus | undefined> {
  registerWasmTrainingKernels();
  if (threads !== undefined) setThreadsCount(threads);
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch {
    ok = false;
  }
  if (!ok) return undefined;
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return { simd, multithread, threads: multithread ? getThreadsCount() : 1 };
}
