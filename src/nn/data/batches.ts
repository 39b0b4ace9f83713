import type { Rng } from '../../shared/rng.js';
import type { Split } from './types.js';

/** A mini-batch view: `x` is `[size, h, w, c]` NHWC and `y` `[size]`; both alias reusable buffers. */
export interface Batch {
  x: Float32Array;
  y: Uint8Array;
  size: number;
}

/**
 * Seeded epoch order: a Fisher–Yates permutation of `[0, n)` drawn from `rng` (which advances, so
 * saving `rng.state` after an epoch's permutation captures the data-order state).
 */
export function epochOrder(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return rng.shuffle(order);
}

/**
 * Yields mini-batches of `split` in `order`, gathering into two buffers allocated once
 * (the last batch may be smaller). Never copies the whole split.
 * @param imageSize floats per image (`h * w * c`).
 */
export function* miniBatches(split: Split, order: Uint32Array, batchSize: number, imageSize: number): Generator<Batch> {
  const xBuf = new Float32Array(batchSize * imageSize);
  const yBuf = new Uint8Array(batchSize);
  for (let start = 0; start < order.length; start += batchSize) {
    const size = Math.min(batchSize, order.length - start);
    for (let k = 0; k < size; k++) {
      const i = order[start + k] ?? 0;
      xBuf.set(split.x.subarray(i * imageSize, (i + 1) * imageSize), k * imageSize);
      yBuf[k] = split.y[i] ?? 0;
    }
    yield { x: xBuf.subarray(0, size * imageSize), y: yBuf.subarray(0, size), size };
  }
}
