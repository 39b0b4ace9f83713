/**
 * Per-tensor quantization plans (METHODS §3.2): bit width, threshold, fractional length for the
 * weights and, separately, the input activations of every layer (W8A8, W4A8, W16A8 …).
 */
import { checkArg, checkOneOf } from '../../errors.js';
import type { Rng } from '../../shared/rng.js';
import { checkFormat, type Rounding, Roundings } from './fixed-point.js';
import { searchFl } from './fl-search.js';
import { absMax } from './histogram.js';
import { type ZeroHandling } from './kl-threshold.js';
import { computeThreshold, type ThresholdMethod, ThresholdMethods } from './threshold.js';

/** How one tensor type (weights or activations) is quantized. */
export interface TensorQuantConfig {
  /** Bit width b in [2, 16]. */
  bits: number;
  /** Threshold method; activations default `kl`, weights default `max` (§3.2 2a). b = 16 always uses `max`. */
  threshold?: ThresholdMethod;
  /** FL search radius (default 2; 0 = use FL0). */
  flRadius?: number;
  /** KL histogram bins B (default 2048) and target bins Q (default `2^(b-1)`). */
  bins?: number;
  targetBins?: number;
  /** Percentile for `percentile` thresholds (default 99.99). */
  percentile?: number;
  /** Exclude exact zeros from KL/percentile statistics (default true). */
  excludeZeros?: boolean;
  zeroHandling?: ZeroHandling;
  /** Rounding used when converting (default: weights `sr` per §3.2 step 3, activations `sr` per step 4). */
  rounding?: Rounding;
  /** Max number of values used in the FL search (seeded sub-sample; default 1e6 for activations, all for weights). */
  maxSearchValues?: number;
}

/** Result for one tensor. */
export interface TensorQuantPlan {
  bits: number;
  fl: number;
  fl0: number;
  threshold: number;
  thresholdMethod: ThresholdMethod;
  rounding: Rounding;
  /** SSE of each FL candidate (on the searched values). */
  candidates: { fl: number; sse: number }[];
}

/** Validates a config and returns it with every default filled in. */
export function resolveConfig(
  where: string,
  c: TensorQuantConfig,
  kind: 'weights' | 'activations',
): Required<Omit<TensorQuantConfig, 'maxSearchValues'>> & { maxSearchValues: number } {
  checkFormat(where, { bits: c.bits, fl: 0 });
  const threshold = c.bits === 16 ? 'max' : (c.threshold ?? (kind === 'weights' ? 'max' : 'kl'));
  checkOneOf(where, 'threshold', threshold, ThresholdMethods);
  const rounding = c.rounding ?? 'sr';
  checkOneOf(where, 'rounding', rounding, Roundings);
  const targetBins = c.targetBins ?? 2 ** (c.bits - 1);
  const bins = c.bins ?? 2048;
  checkArg(Number.isInteger(bins) && bins >= 1, where, 'bins', bins, 'an integer >= 1');
  if (threshold === 'kl') checkArg(bins >= targetBins, where, 'bins', bins, `>= targetBins (${targetBins})`);
  const maxSearchValues = c.maxSearchValues ?? (kind === 'weights' ? Number.POSITIVE_INFINITY : 1e6);
  checkArg(maxSearchValues >= 1, where, 'maxSearchValues', maxSearchValues, '>= 1');
  return {
    bits: c.bits,
    threshold,
    flRadius: c.flRadius ?? 2,
    bins,
    targetBins,
    percentile: c.percentile ?? 99.99,
    excludeZeros: c.excludeZeros ?? true,
    zeroHandling: c.zeroHandling ?? 'inf',
    rounding,
    maxSearchValues,
  };
}

/**
 * Seeded sub-sample of at most `max` values (without replacement, partial Fisher–Yates over indices).
 * Returns the input itself when it is already small enough.
 */
export function subsample(x: ArrayLike<number>, max: number, rng: Rng | undefined): ArrayLike<number> {
  if (x.length <= max) return x;
  checkArg(rng !== undefined, 'subsample', 'rng', 'undefined', 'a seeded Rng when sub-sampling');
  const n = x.length;
  const m = Math.floor(max);
  const out = new Float32Array(m);
  const picked = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const vj = picked.get(j) ?? j;
    const vi = picked.get(i) ?? i;
    picked.set(j, vi);
    out[i] = x[vj] as number;
  }
  return out;
}

/**
 * Plans one tensor (§3.2 step 2): threshold T, FL0 from T, FL search over `FL0 ± radius`.
 * @param x tensor values (weights: the kernel; activations: calibration values of the layer input).
 * @param rng used only when the FL search sub-samples.
 */
export function planTensor(
  x: ArrayLike<number>,
  config: TensorQuantConfig,
  kind: 'weights' | 'activations',
  rng?: Rng,
): TensorQuantPlan {
  const c = resolveConfig('planTensor', config, kind);
  const threshold =
    c.threshold === 'max'
      ? absMax(x)
      : computeThreshold(x, {
          method: c.threshold,
          percentile: c.percentile,
          bins: c.bins,
          targetBins: c.targetBins,
          excludeZeros: c.excludeZeros,
          zeroHandling: c.zeroHandling,
        });
  const sample = subsample(x, c.maxSearchValues, rng);
  const s = searchFl(sample, c.bits, threshold, { radius: c.flRadius });
  return {
    bits: c.bits,
    fl: s.fl,
    fl0: s.fl0,
    threshold,
    thresholdMethod: c.threshold,
    rounding: c.rounding,
    candidates: s.candidates,
  };
}

/** A layer's plan: weights and input activations separately (activations optional, e.g. W-only). */
export interface LayerQuantPlan {
  weights: TensorQuantPlan;
  activations?: TensorQuantPlan;
}

/** Short name of a plan, e.g. `W8A8`, `W4A8`, `W8` (weights only). */
export function planLabel(weightBits: number, activationBits?: number): string {
  return activationBits === undefined ? `W${weightBits}` : `W${weightBits}A${activationBits}`;
}

/**
 * Plans every layer: weights from the kernels, activations from calibration values of each layer's input.
 * @param weights layer name -> kernel (HWIO / `[inC, outC]`).
 * @param activations layer name -> calibration values of the layer's input (NHWC, any count); layers
 *   missing here get a weights-only plan.
 */
export function planModel(
  weights: ReadonlyMap<string, ArrayLike<number>>,
  activations: ReadonlyMap<string, ArrayLike<number>> | undefined,
  config: {
    weights: TensorQuantConfig;
    activations?: TensorQuantConfig;
    perLayer?: Record<string, { weights?: TensorQuantConfig; activations?: TensorQuantConfig }>;
  },
  rng: Rng,
): Map<string, LayerQuantPlan> {
  const out = new Map<string, LayerQuantPlan>();
  for (const [name, w] of weights) {
    const over = config.perLayer?.[name];
    const wc = over?.weights ?? config.weights;
    const ac = over?.activations ?? config.activations;
    const plan: LayerQuantPlan = { weights: planTensor(w, wc, 'weights', rng) };
    const a = activations?.get(name);
    if (ac !== undefined && a !== undefined) plan.activations = planTensor(a, ac, 'activations', rng);
    out.set(name, plan);
  }
  return out;
}
