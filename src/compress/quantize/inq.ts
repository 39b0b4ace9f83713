/**
 * Incremental network quantization (INQ, Zhou et al. ICLR 2017), the retraining recipe of GSNQ (METHODS §6.4
 * step 4): each step turns a larger fraction of a layer's weights into powers of two and freezes them, and the
 * caller retrains the rest before the next step. This module holds the per-layer step on typed arrays; the
 * training loop (frozen weights pinned after every optimizer step) lives in src/nn/train.
 */
import { checkArg } from '../../errors.js';
import { largestFirst, quantizeToLevels, type LayerPow2Levels } from './pow2.js';

export interface InqStepResult {
  /** The layer's values after the step: the newly chosen weights quantized, every other value unchanged. */
  values: Float32Array;
  /** 1 = a power of two (or an exact 0) that training must not move: the previous frozen entries plus the new ones. */
  frozen: Uint8Array;
  /** Weights quantized by this step. */
  quantized: number;
  /** Kept weights of the layer (the denominator of the fraction). */
  kept: number;
}

/**
 * One INQ step on one layer: after it, `round(fraction · kept)` of the kept weights are frozen powers of two.
 * The weights added are the not-yet-frozen kept ones with the largest |w| (ties: lower flat index first),
 * quantized with `levels`; frozen weights keep their values; pruned weights (mask 0) stay as they are (zeros)
 * and are never counted or frozen.
 * @param w current kernel values (after the previous steps' retraining), any layout
 * @param opts.frozen the previous step's map (1 = frozen), same length; absent before the first step
 */
export function inqStep(
  w: ArrayLike<number>,
  opts: { fraction: number; levels: LayerPow2Levels; mask?: ArrayLike<number>; frozen?: ArrayLike<number> },
): InqStepResult {
  const { fraction, levels, mask, frozen } = opts;
  const where = 'inqStep';
  checkArg(Number.isFinite(fraction) && fraction > 0 && fraction <= 1, where, 'fraction', fraction, 'in (0, 1]');
  checkArg(mask === undefined || mask.length === w.length, where, 'mask.length', mask?.length, `equal to ${w.length}`);
  checkArg(
    frozen === undefined || frozen.length === w.length,
    where,
    'frozen.length',
    frozen?.length,
    `equal to ${w.length}`,
  );
  const n = w.length;
  const out = Float32Array.from(w);
  const next = new Uint8Array(n);
  const free: number[] = [];
  let kept = 0;
  let already = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && !mask[i]) continue;
    kept++;
    if (frozen?.[i]) {
      next[i] = 1;
      already++;
    } else free.push(i);
  }
  const target = Math.round(fraction * kept);
  checkArg(
    already <= target,
    where,
    'fraction',
    fraction,
    `at least the fraction already frozen (${already} of ${kept})`,
  );
  largestFirst(w, free);
  const add = target - already;
  for (let t = 0; t < add; t++) {
    const i = free[t] as number;
    out[i] = quantizeToLevels(w[i] as number, levels);
    next[i] = 1;
  }
  return { values: out, frozen: next, quantized: add, kept };
}

/**
 * Checks that every kept value of a layer is 0 or ±2^e with e inside the INQ levels (at most 2^(b-2) exponents
 * per sign, so b bits hold it). Returns the first offending flat index and value, or undefined.
 */
export function firstOffGrid(
  w: ArrayLike<number>,
  levels: LayerPow2Levels,
  mask?: ArrayLike<number>,
): { index: number; value: number } | undefined {
  for (let i = 0; i < w.length; i++) {
    if (mask !== undefined && !mask[i]) continue;
    const v = w[i] as number;
    if (v === 0) continue;
    const lv = v > 0 ? levels.positive : levels.negative;
    const e = Math.log2(Math.abs(v));
    if (lv === undefined || !Number.isInteger(e) || e > lv.n1 || e < lv.n2) return { index: i, value: v };
  }
  return undefined;
}
