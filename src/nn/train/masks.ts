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

/** Checks every mask against its kernel (layer exists, same size, only 0/1) and uploads it. */
export function bindMasks(model: tf.LayersModel, masks: Masks | undefined): BoundMask[] {
  if (!masks) return [];
  const out: BoundMask[] = [];
  for (const [layer, m] of masks) {
    const k = kernelOf(model, layer);
    const shape = k.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    if (m.length !== size) {
      throw new HwsweepError(
        'SHAPE_MISMATCH',
        `mask for layer "${layer}" has ${m.length} entries, kernel [${shape.join(',')}] has ${size}`,
        {
          context: { layer, expected: size, actual: m.length },
        },
      );
    }
    const f = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const b = m[i] ?? 0;
      if (b > 1) {
        throw new HwsweepError('INVALID_ARGUMENT', `mask for layer "${layer}": entry ${i} = ${b} is not 0 or 1`, {
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
