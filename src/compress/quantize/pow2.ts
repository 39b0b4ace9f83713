/**
 * Power-of-two weight quantization: INQ (Zhou et al., ICLR 2017) and the sign-based GSNQ reading
 * (Sui et al. 2022), METHODS §6.4 [I]. Values become `0` or `±2^e`, so multiplications become shifts.
 */
import { checkArg, checkOneOf } from '../../errors.js';

export const Pow2Modes = ['symmetric', 'sign-based'] as const;
/** `symmetric` = INQ (one range from `max|W|`); `sign-based` = GSNQ (separate ranges for w>0 and w<0). */
export type Pow2Mode = (typeof Pow2Modes)[number];

/** The mode of a trial's `pow2SignBased` setting: sign-based unless it is explicitly false. */
export function pow2ModeOf(signBased: boolean | null | undefined): Pow2Mode {
  return signBased === false ? 'symmetric' : 'sign-based';
}

/** Exponent range of one INQ set: magnitudes `2^n1, 2^(n1-1), …, 2^n2` (n1 >= n2) plus 0. */
export interface Pow2Levels {
  n1: number;
  n2: number;
}

/**
 * INQ levels for bit width b and scale `s = max|W|`: `n1 = floor(log2(4s/3))`,
 * `n2 = n1 + 1 - 2^(b-1)/2` (one bit for sign, one code for zero). `s = 0` gives `undefined` (all zeros).
 */
export function pow2Levels(s: number, bits: number): Pow2Levels | undefined {
  checkArg(Number.isInteger(bits) && bits >= 2 && bits <= 16, 'pow2Levels', 'bits', bits, 'an integer in [2, 16]');
  checkArg(Number.isFinite(s) && s >= 0, 'pow2Levels', 's', s, 'a finite number >= 0');
  if (s === 0) return undefined;
  const n1 = Math.floor(Math.log2((4 * s) / 3));
  const n2 = n1 + 1 - 2 ** (bits - 1) / 2;
  return { n1, n2 };
}

/**
 * Nearest level of a magnitude `a >= 0` (ties -> larger magnitude); `a < 2^n2 / 2` -> 0;
 * `a > 2^n1` -> `2^n1` (saturates).
 */
export function nearestPow2(a: number, lv: Pow2Levels): number {
  const lo = 2 ** lv.n2;
  if (a < lo / 2) return 0;
  if (a >= 2 ** lv.n1) return 2 ** lv.n1;
  if (a <= lo) return lo;
  // a in (2^n2, 2^n1): between 2^e and 2^(e+1) with e = floor(log2 a)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // guard log2 rounding
  if (2 ** (e + 1) <= a) e++;
  const below = 2 ** e;
  const above = 2 ** (e + 1);
  return a - below < above - a ? below : above;
}

/** The exponent ranges of one layer (n1 from max|W|, METHODS §6.4 step 1); INQ fixes them when it starts. */
export interface LayerPow2Levels {
  bits: number;
  mode: Pow2Mode;
  /** Levels of w > 0 and of w < 0 (equal in `symmetric` mode); undefined when that side had no weight. */
  positive: Pow2Levels | undefined;
  negative: Pow2Levels | undefined;
}

/**
 * Levels for a layer: `symmetric` (INQ) takes `s = max|W|` for both signs, `sign-based` (GSNQ) takes
 * `s+ = max w` and `s- = max |w|` over w < 0 separately. Only kept weights (mask 1) count.
 * @param w kernel values (any layout); `mask` 1 = kept, same length
 */
export function layerPow2Levels(
  w: ArrayLike<number>,
  bits: number,
  mode: Pow2Mode,
  mask?: ArrayLike<number>,
): LayerPow2Levels {
  checkArg(Number.isInteger(bits) && bits >= 2 && bits <= 16, 'layerPow2Levels', 'bits', bits, 'an integer in [2, 16]');
  checkArg(
    mask === undefined || mask.length === w.length,
    'layerPow2Levels',
    'mask.length',
    mask?.length,
    `equal to ${w.length}`,
  );
  let sPos = 0;
  let sNeg = 0;
  for (let i = 0; i < w.length; i++) {
    if (mask !== undefined && !mask[i]) continue;
    const v = w[i] as number;
    if (v > sPos) sPos = v;
    if (-v > sNeg) sNeg = -v;
  }
  const positive = pow2Levels(mode === 'symmetric' ? Math.max(sPos, sNeg) : sPos, bits);
  const negative = mode === 'symmetric' ? positive : pow2Levels(sNeg, bits);
  return { bits, mode, positive, negative };
}

/** Nearest level of one value (0 when its sign has no levels: that side had no weight when INQ started). */
export function quantizeToLevels(v: number, lv: LayerPow2Levels): number {
  if (v > 0) return lv.positive ? nearestPow2(v, lv.positive) : 0;
  if (v < 0) return lv.negative ? -nearestPow2(-v, lv.negative) : 0;
  return 0;
}

export interface Pow2Result {
  /** Quantized values (same layout as the input). */
  values: Float32Array;
  /** Levels used for positive weights and for negative weights (equal in `symmetric` mode). */
  positive: Pow2Levels | undefined;
  negative: Pow2Levels | undefined;
}

/**
 * Power-of-two quantization of a kernel (any layout), METHODS §6.4 steps 1-3.
 * @param w weights; `bits` in [2, 16]; `mode` symmetric (INQ) or sign-based (GSNQ).
 * @returns a new Float32Array; the input is untouched.
 */
export function quantizePow2(w: ArrayLike<number>, bits: number, mode: Pow2Mode = 'symmetric'): Pow2Result {
  checkArg(Number.isInteger(bits) && bits >= 2 && bits <= 16, 'quantizePow2', 'bits', bits, 'an integer in [2, 16]');
  checkOneOf('quantizePow2', 'mode', mode, Pow2Modes);
  const lv = layerPow2Levels(w, bits, mode);
  const values = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) values[i] = quantizeToLevels(w[i] as number, lv);
  return { values, positive: lv.positive, negative: lv.negative };
}

/**
 * INQ weight partition (§6.4 step 4): the `fraction` of weights with the largest |w| (ties -> lower
 * flat index first) are marked 1 (quantize and freeze); the rest 0 (keep training).
 * Schedules use fractions 0.5, 0.75, 0.875, 1.
 */
export function inqPartition(w: ArrayLike<number>, fraction: number): Uint8Array {
  checkArg(
    Number.isFinite(fraction) && fraction >= 0 && fraction <= 1,
    'inqPartition',
    'fraction',
    fraction,
    'in [0, 1]',
  );
  const n = w.length;
  const k = Math.round(fraction * n);
  const order = largestFirst(
    w,
    Array.from({ length: n }, (_, i) => i),
  );
  const out = new Uint8Array(n);
  for (let t = 0; t < k; t++) out[order[t] as number] = 1;
  return out;
}

/**
 * INQ's order of weights to quantize: `indices` (flat indices into `w`) sorted in place by |w| descending,
 * ties by lower index first. Returns `indices`.
 */
export function largestFirst(w: ArrayLike<number>, indices: number[]): number[] {
  const abs = (i: number): number => Math.abs(w[i] as number);
  return indices.sort((a, b) => abs(b) - abs(a) || a - b);
}
