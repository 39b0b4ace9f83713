/**
 * Signed fixed point (METHODS §1.4): `b` bits with `FL` fractional bits, step `ε = 2^-FL`,
 * integer code `q ∈ [-2^(b-1), 2^(b-1)-1]`, value `q·ε` (Qm.n with `b = 1 + m + n`, `n = FL`).
 * Rounding is `rna` (half away from zero) or seeded stochastic rounding (Gupta et al. 2015);
 * never `tf.round` / `Math.round` (those are half-to-even / half-up for negatives).
 */
import { checkArg } from '../../errors.js';
import { rna } from '../../shared/rounding.js';

export const Roundings = ['rna', 'sr'] as const;
/** `rna` = round half away from zero; `sr` = stochastic rounding (seeded). */
export type Rounding = (typeof Roundings)[number];

/** A source of uniforms in `[0, 1)`; `Rng` from src/shared/rng.ts satisfies it. */
export interface UniformSource {
  next(): number;
}

/** Signed fixed-point format: `bits` total (incl. sign), `fl` fractional bits (may be negative or > bits). */
export interface FixedPointFormat {
  bits: number;
  fl: number;
}

/** Smallest and largest supported bit width of the fixed-point quantizer. */
export const MIN_BITS = 2;
export const MAX_BITS = 16;

/** Throws INVALID_ARGUMENT unless `bits` is an integer in [2, 16] and `fl` an integer in [-64, 64]. */
export function checkFormat(where: string, fmt: FixedPointFormat): void {
  checkArg(
    Number.isInteger(fmt.bits) && fmt.bits >= MIN_BITS && fmt.bits <= MAX_BITS,
    where,
    'bits',
    fmt.bits,
    `an integer in [${MIN_BITS}, ${MAX_BITS}]`,
  );
  checkArg(Number.isInteger(fmt.fl) && Math.abs(fmt.fl) <= 64, where, 'fl', fmt.fl, 'an integer in [-64, 64]');
}

export { rna };

/** Integer code range `[qmin, qmax] = [-2^(b-1), 2^(b-1)-1]`. */
export function codeRange(bits: number): { qmin: number; qmax: number } {
  const h = 2 ** (bits - 1);
  return { qmin: -h, qmax: h - 1 };
}

/** Quantization step `ε = 2^-FL`. */
export function stepOf(fl: number): number {
  return 2 ** -fl;
}

/**
 * Integer code of one value: `clamp(round(x/ε), qmin, qmax)`. With `sr`, `t = x/ε`,
 * `f = t - floor(t)`, code `floor(t) + (u < f ? 1 : 0)` with `u = uniform.next()`, then clamp
 * (clamping makes SR biased for out-of-range x, METHODS §1.4 / AC-7d).
 */
export function quantizeCode(x: number, fmt: FixedPointFormat, rounding: Rounding, uniform?: UniformSource): number {
  const t = x * 2 ** fmt.fl;
  let q: number;
  if (rounding === 'rna') q = rna(t);
  else {
    const fl = Math.floor(t);
    q = fl + (uniformOf(uniform).next() < t - fl ? 1 : 0);
  }
  const h = 2 ** (fmt.bits - 1);
  return q < -h ? -h : q > h - 1 ? h - 1 : q;
}

function uniformOf(uniform: UniformSource | undefined): UniformSource {
  checkArg(uniform !== undefined, 'quantize', 'rng', 'undefined', "a seeded Rng when rounding = 'sr'");
  return uniform;
}

/**
 * Integer codes of a tensor (any layout; element order preserved).
 * @returns `Int32Array` of the same length, each in `[qmin, qmax]`.
 */
export function toCodes(
  x: ArrayLike<number>,
  fmt: FixedPointFormat,
  opts: { rounding?: Rounding; rng?: UniformSource } = {},
): Int32Array {
  checkFormat('toCodes', fmt);
  const rounding = opts.rounding ?? 'rna';
  if (rounding === 'sr') uniformOf(opts.rng);
  const out = new Int32Array(x.length);
  const scale = 2 ** fmt.fl;
  const h = 2 ** (fmt.bits - 1);
  const lo = -h;
  const hi = h - 1;
  if (rounding === 'rna') {
    for (let i = 0; i < x.length; i++) {
      const t = (x[i] as number) * scale;
      const q = t < 0 ? -Math.floor(-t + 0.5) : Math.floor(t + 0.5); // rna, inlined in this hot loop
      out[i] = q < lo ? lo : q > hi ? hi : q;
    }
  } else {
    const u = opts.rng as UniformSource;
    for (let i = 0; i < x.length; i++) {
      const t = (x[i] as number) * scale;
      const f = Math.floor(t);
      const q = f + (u.next() < t - f ? 1 : 0);
      out[i] = q < lo ? lo : q > hi ? hi : q;
    }
  }
  return out;
}

/** Values `q·2^-FL` of integer codes (Float32Array, exact for b <= 16). */
export function fromCodes(codes: ArrayLike<number>, fl: number): Float32Array {
  const out = new Float32Array(codes.length);
  const eps = 2 ** -fl;
  for (let i = 0; i < codes.length; i++) out[i] = (codes[i] as number) * eps;
  return out;
}

/**
 * Fake quantization `Q_FL(x)` (METHODS §1.4): values snapped to the b-bit grid with step `2^-FL`,
 * saturated to `[qmin·ε, qmax·ε]`. Returns a new Float32Array (input untouched).
 */
export function fakeQuantize(
  x: ArrayLike<number>,
  fmt: FixedPointFormat,
  opts: { rounding?: Rounding; rng?: UniformSource } = {},
): Float32Array {
  return fromCodes(toCodes(x, fmt, opts), fmt.fl);
}

/** Sum of squared errors `Σ (x - Q_FL(x))²` with `rna` rounding, in float64 (used by the FL search). */
export function quantizationSse(x: ArrayLike<number>, fmt: FixedPointFormat): number {
  const scale = 2 ** fmt.fl;
  const eps = 2 ** -fmt.fl;
  const h = 2 ** (fmt.bits - 1);
  let sse = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const t = v * scale;
    let q = t < 0 ? -Math.floor(-t + 0.5) : Math.floor(t + 0.5); // rna, inlined in this hot loop
    q = q < -h ? -h : q > h - 1 ? h - 1 : q;
    const e = v - q * eps;
    sse += e * e;
  }
  return sse;
}

/**
 * SSE `Σ (x - Q_FL(x))²` (rna) for several FL candidates in one fused pass over x (groups of 5).
 * Uses `|x|` with the asymmetric saturation limit (`2^(b-1)` codes below zero, `2^(b-1)-1` above).
 * @returns float64 SSE per entry of `fls`.
 */
export function quantizationSseMulti(x: ArrayLike<number>, bits: number, fls: readonly number[]): Float64Array {
  const out = new Float64Array(fls.length);
  const h = 2 ** (bits - 1);
  for (let g = 0; g < fls.length; g += 5) {
    const f = (j: number): number => fls[Math.min(g + j, fls.length - 1)] as number;
    const s0 = 2 ** f(0);
    const s1 = 2 ** f(1);
    const s2 = 2 ** f(2);
    const s3 = 2 ** f(3);
    const s4 = 2 ** f(4);
    const e0 = 1 / s0;
    const e1 = 1 / s1;
    const e2 = 1 / s2;
    const e3 = 1 / s3;
    const e4 = 1 / s4;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      let av: number;
      let lim: number;
      if (v < 0) {
        av = -v;
        lim = h;
      } else {
        av = v;
        lim = h - 1;
      }
      let q = Math.floor(av * s0 + 0.5);
      if (q > lim) q = lim;
      let e = av - q * e0;
      a0 += e * e;
      q = Math.floor(av * s1 + 0.5);
      if (q > lim) q = lim;
      e = av - q * e1;
      a1 += e * e;
      q = Math.floor(av * s2 + 0.5);
      if (q > lim) q = lim;
      e = av - q * e2;
      a2 += e * e;
      q = Math.floor(av * s3 + 0.5);
      if (q > lim) q = lim;
      e = av - q * e3;
      a3 += e * e;
      q = Math.floor(av * s4 + 0.5);
      if (q > lim) q = lim;
      e = av - q * e4;
      a4 += e * e;
    }
    const acc = [a0, a1, a2, a3, a4];
    for (let j = 0; j < 5 && g + j < fls.length; j++) out[g + j] = acc[j] as number;
  }
  return out;
}

/**
 * Requantizes a wide accumulator holding `fracIn = FL_w + FL_a` fractional bits to `out` (METHODS §1.4):
 * shift right by `fracIn - out.fl` bits with rounding, then saturate to `out.bits`.
 * @param acc integer accumulator values (exact integers, |acc| < 2^53).
 */
export function requantize(
  acc: ArrayLike<number>,
  fracIn: number,
  out: FixedPointFormat,
  opts: { rounding?: Rounding; rng?: UniformSource } = {},
): Int32Array {
  checkFormat('requantize', out);
  const x = new Float64Array(acc.length);
  const eps = 2 ** -fracIn;
  for (let i = 0; i < acc.length; i++) x[i] = (acc[i] as number) * eps;
  return toCodes(x, out, opts);
}
