import * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';
import { kernelOf } from '../models/weights.js';
import type { Masks } from './types.js';

/** A kernel variable and its float32 0/1 mask tensor (kept alive until `disposeMasks`). */
export interface BoundMask {
  layer: string;
  v: tf.Variable;
  mask: tf.Tensor;
}

/**
 * Checks every mask against its kernel (layer exists, same size, only 0/1) and uploads it.
 * `what` names the option in error messages ('mask' or 'frozen map').
 */
export function bindMasks(model: tf.LayersModel, masks: Masks | undefined, what = 'mask'): BoundMask[] {
  if (!masks) return [];
  const out: BoundMask[] = [];
  for (const [layer, m] of masks) {
    const k = kernelOf(model, layer);
    const shape = k.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    if (m.length !== size) {
      throw new HwsweepError(
        'SHAPE_MISMATCH',
        `${what} for layer "${layer}" has ${m.length} entries, kernel [${shape.join(',')}] has ${size}`,
        {
          context: { layer, expected: size, actual: m.length },
        },
      );
    }
    const f = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const b = m[i] ?? 0;
      if (b > 1) {
        throw new HwsweepError('INVALID_ARGUMENT', `${what} for layer "${layer}": entry ${i} = ${b} is not 0 or 1`, {
          context: { layer, index: i },
        });
      }
      f[i] = b;
    }
    out.push({ layer, v: k.read() as tf.Variable, mask: tf.tensor(f, shape) });
  }
  return out;
}

/** `w <- w * m` for every bound mask (METHODS §1.1: after pruning and after every optimizer step). */
export function applyMasks(bound: BoundMask[]): void {
  if (bound.length === 0) return;
  tf.tidy(() => {
    for (const b of bound) b.v.assign(tf.mul(b.v, b.mask));
  });
}

export function disposeMasks(bound: BoundMask[]): void {
  for (const b of bound) b.mask.dispose();
}

/** A frozen-weights binding: `w <- w * keep + frozenValues` pins the entries where the map is 1. */
export interface BoundFrozen {
  v: tf.Variable;
  keep: tf.Tensor;
  pinned: tf.Tensor;
}

/**
 * Captures the current values of the entries marked 1 in `frozen` (call after the masks were
 * applied). `applyFrozen` then restores exactly those values after every step, so frozen weights
 * never move (INQ-style partial freezing, METHODS §6.4 step 4).
 */
export function bindFrozen(model: tf.LayersModel, frozen: Masks | undefined): BoundFrozen[] {
  return bindMasks(model, frozen, 'frozen map').map((b) =>
    tf.tidy(() => {
      const keep = tf.keep(tf.sub(1, b.mask));
      const pinned = tf.keep(tf.mul(b.v, b.mask));
      b.mask.dispose();
      return { v: b.v, keep, pinned };
    }),
  );
}

/** `w <- w * (1 - f) + w_frozen * f`: exact for both kinds of entries. */
export function applyFrozen(bound: BoundFrozen[]): void {
  if (bound.length === 0) return;
  tf.tidy(() => {
    for (const b of bound) b.v.assign(tf.add(tf.mul(b.v, b.keep), b.pinned));
  });
}

export function disposeFrozen(bound: BoundFrozen[]): void {
  for (const b of bound) tf.dispose([b.keep, b.pinned]);
}
