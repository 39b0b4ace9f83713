/**
 * Direct access to tensors in the wasm backend's heap, for kernels that are memory-bound scatter /
 * gather loops (pooling gradients): a tight JS loop over the heap beats both the package's scalar
 * C loops (which re-scan every window per input pixel) and a chain of 8+ elementwise wasm kernels.
 */
import type * as tf from '@tensorflow/tfjs';

/** The part of `BackendWasm` (tfjs-backend-wasm 4.22) these kernels use. */
export interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Narrows a kernel's `backend` argument to {@link WasmHeapBackend}, or throws naming the kernel. */
export function heapBackend(backend: unknown, kernel: string): WasmHeapBackend {
  const b = backend as Partial<WasmHeapBackend> | null;
  if (b === null || typeof b.typedArrayFromHeap !== 'function' || typeof b.makeOutput !== 'function') {
    throw new Error(`${kernel}: backend is not tfjs-backend-wasm (no heap access)`);
  }
  return b as WasmHeapBackend;
}

/** A float32 view of `info` in the heap. Take views only after the last allocation (growth detaches them). */
export function f32(backend: WasmHeapBackend, info: tf.TensorInfo, kernel: string, name: string): Float32Array {
  const a = backend.typedArrayFromHeap(info);
  if (!(a instanceof Float32Array)) throw new Error(`${kernel}: ${name} must be float32, got ${info.dtype}`);
  return a;
}
