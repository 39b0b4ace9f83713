/**
 * Masks are `Uint8Array`s with the weights' length and layout, `1` = kept slot, `0` = pruned.
 * Pruners never edit weights; `applyMask` returns a masked copy.
 */
import { HwsweepError } from '../../errors.js';

/**
 * Returns `w * mask` as a new array (or into `out` when given; `out` may not alias `w` unless the
 * caller wants an explicit in-place update).
 * @param w weights, any layout (HWIO conv, `[inC, outC]` dense, ...)
 * @param mask same length and layout as `w`, 1 = keep
 */
export function applyMask(w: Float32Array, mask: Uint8Array, out?: Float32Array): Float32Array {
  if (mask.length !== w.length || (out !== undefined && out.length !== w.length)) {
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `applyMask: weights (${w.length}), mask (${mask.length})${out ? ` and out (${out.length})` : ''} must have equal lengths`,
    );
  }
  const r = out ?? new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) r[i] = mask[i] ? (w[i] as number) : 0;
  return r;
}

/** Number of kept slots (ones) in a mask. Slots whose weight happens to be 0 still count (§1.1 item 4). */
export function countKept(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}

/** Achieved pruning ratio of a mask: zero count / total (0 for an empty mask). */
export function maskRatio(mask: Uint8Array): number {
  return mask.length === 0 ? 0 : (mask.length - countKept(mask)) / mask.length;
}

/** An all-ones mask (nothing pruned). */
export function denseMask(length: number): Uint8Array {
  return new Uint8Array(length).fill(1);
}

/** True when every pruned slot of `prev` is also pruned in `next` (masks only lose ones). */
export function isMonotone(prev: Uint8Array, next: Uint8Array): boolean {
  if (prev.length !== next.length) return false;
  for (let i = 0; i < prev.length; i++) if (!prev[i] && next[i]) return false;
  return true;
}
