import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/shared/rng.js';
import { registerWasmTrainingKernels } from '../../../src/nn/backend/index.js';

export type Shape4 = [number, number, number, number];
export type Pad = 'valid' | 'same' | tf.backend_util.ExplicitPadding;
/** Relative error allowed for float32 kernels against the cpu backend. */
export const TOL = 1e-4;

/** Seeded uniform values in [-1, 1). */
export function randomValues(size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => rng.next() * 2 - 1);
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** max |a − b| / max |a|: the relative error of `b` against the reference `a`. */
export function relError(ref: ArrayLike<number>, got: ArrayLike<number>): number {
  if (ref.length !== got.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num = Math.max(num, Math.abs(ref[i]! - got[i]!));
    den = Math.max(den, Math.abs(ref[i]!));
  }
  return den === 0 ? num : num / den;
}

/** Activates wasm with the training kernels (and the overrides, unless a test turned them off). */
export async function useWasm(): Promise<void> {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) registerWasmTrainingKernels();
  await tf.setBackend('wasm');
}

/**
 * Runs `f` on the cpu backend (the reference) and then on wasm; returns both results' values and shapes.
 * `f` must build its tensors from plain arrays so both backends see identical inputs.
 */
export async function onBoth(
  f: () => tf.Tensor,
): Promise<{ ref: Float32Array; got: Float32Array; refShape: number[]; gotShape: number[] }> {
  await tf.setBackend('cpu');
  const a = tf.tidy(f);
  const ref = (await a.data()) as Float32Array;
  const refShape = a.shape;
  a.dispose();
  await useWasm();
  const b = tf.tidy(f);
  const got = (await b.data()) as Float32Array;
  const gotShape = b.shape;
  b.dispose();
  return { ref, got, refShape, gotShape };
}
