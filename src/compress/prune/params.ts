/**
 * Parameter checks, rounding and kernel-shape helpers shared by the pruners.
 * Every check throws `HwsweepError` (INVALID_ARGUMENT or SHAPE_MISMATCH) naming the parameter,
 * its value and the allowed range.
 */
import { HwsweepError, checkArg } from '../../errors.js';
import { rna } from '../../shared/rounding.js';

export { rna };

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Pruning ratio: fraction of weights forced to zero, `0 <= ratio < 1`. */
export function checkRatio(where: string, ratio: number, param = 'ratio'): void {
  checkArg(Number.isFinite(ratio) && ratio >= 0 && ratio < 1, where, param, ratio, 'a number in [0, 1)');
}

/** Group size `g`: an integer >= 1. */
export function checkGroupSize(where: string, g: number, param = 'groupSize'): void {
  checkArg(Number.isInteger(g) && g >= 1, where, param, g, 'an integer >= 1');
}

/** Keep count `n` per full group of size `g`: an integer in `[1, g]` (n = 0 would disconnect outputs, §8.5). */
export function checkKeep(where: string, n: number, g: number, param = 'keep'): void {
  checkArg(Number.isInteger(n) && n >= 1 && n <= g, where, param, n, `an integer in [1, ${g}] (groupSize = ${g})`);
}

/** Bit width of a stored value: an integer in `[2, 32]`. */
export function checkBits(where: string, bits: number, param = 'bits'): void {
  checkArg(Number.isInteger(bits) && bits >= 2 && bits <= 32, where, param, bits, 'an integer in [2, 32]');
}

/** Result of converting a requested ratio to a per-group keep count (METHODS §1.2 step 1). */
export interface GroupKeep {
  /** Group size g. */
  groupSize: number;
  /** Weights pruned per full group, `p = clamp(rna(r*g), 0, g-1)`. */
  pruned: number;
  /** Weights kept per full group, `n = g - p`. */
  keep: number;
  /** `p / g`: the ratio actually achieved on full groups (a multiple of `1/g`). */
  achievedRatio: number;
}

/**
 * Converts a pruning ratio into a keep count per group of `groupSize` weights:
 * `p = clamp(rna(ratio*g), 0, g-1)`, `n = g - p` (METHODS §1.2 step 1, AC-3).
 */
export function keepFromRatio(ratio: number, groupSize: number): GroupKeep {
  const where = 'keepFromRatio';
  checkRatio(where, ratio);
  checkGroupSize(where, groupSize);
  const pruned = clamp(rna(ratio * groupSize), 0, groupSize - 1);
  return { groupSize, pruned, keep: groupSize - pruned, achievedRatio: pruned / groupSize };
}

/** Product of a shape's dimensions. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws SHAPE_MISMATCH unless `shape` has positive integer dims whose product equals `length`. */
export function checkShape(where: string, length: number, shape: readonly number[], ranks: readonly number[]): void {
  const ok = ranks.includes(shape.length) && shape.every((d) => Number.isInteger(d) && d >= 1);
  if (!ok || shapeSize(shape) !== length) {
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `${where}: weights of length ${length} do not match shape [${shape.join(', ')}] ` +
        `(expected rank ${ranks.join(' or ')} with positive dims whose product is the length)`,
      { context: { length, shape: `[${shape.join(',')}]` } },
    );
  }
}

/** Kernel dimensions `R` (kernel rows), `S` (kernel cols), `C` (input channels), `K` (output channels / multiplier). */
export interface KernelDims {
  R: number;
  S: number;
  C: number;
  K: number;
}

/**
 * Reads a conv HWIO `[R, S, C, K]`, depthwise `[R, S, C, mult]` (K = mult) or dense `[C, K]`
 * (R = S = 1) weight shape.
 */
export function kernelDims(where: string, length: number, shape: readonly number[]): KernelDims {
  checkShape(where, length, shape, [2, 4]);
  if (shape.length === 2) return { R: 1, S: 1, C: shape[0] ?? 1, K: shape[1] ?? 1 };
  return { R: shape[0] ?? 1, S: shape[1] ?? 1, C: shape[2] ?? 1, K: shape[3] ?? 1 };
}

/** Throws SHAPE_MISMATCH when a mask's length differs from the weights'. */
export function checkMaskLength(where: string, mask: Uint8Array | undefined, length: number, param = 'prevMask'): void {
  if (mask !== undefined && mask.length !== length) {
    throw new HwsweepError('SHAPE_MISMATCH', `${where}: ${param} has length ${mask.length}, weights have ${length}`, {
      context: { param, maskLength: mask.length, length },
    });
  }
}
