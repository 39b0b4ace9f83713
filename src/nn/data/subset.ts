import { checkArg } from '../../errors.js';
import { Rng } from '../../shared/rng.js';
import type { Split } from './types.js';

/**
 * Returns a seeded random subset of `count` images of `split`, kept in their original relative order.
 * `count >= split.n` returns the split unchanged (no copy).
 * @param imageSize floats per image (`h * w * c`).
 */
export function subsetSplit(split: Split, count: number | undefined, imageSize: number, seed: number): Split {
  if (count === undefined || count >= split.n) return split;
  checkArg(Number.isInteger(count) && count >= 1, 'subsetSplit', 'count', count, `an integer in [1, ${split.n}]`);
  const idx = new Uint32Array(split.n);
  for (let i = 0; i < split.n; i++) idx[i] = i;
  new Rng(seed).shuffle(idx);
  const chosen = idx.subarray(0, count).sort();
  const x = new Float32Array(count * imageSize);
  const y = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const i = chosen[k] ?? 0;
    x.set(split.x.subarray(i * imageSize, (i + 1) * imageSize), k * imageSize);
    y[k] = split.y[i] ?? 0;
  }
  return { x, y, n: count };
}
