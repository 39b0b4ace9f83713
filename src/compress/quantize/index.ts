/**
 * Fixed-point quantization (METHODS §1.4, §3) and power-of-two quantization (§6.4).
 * Pure typed-array code; randomness (stochastic rounding, sub-sampling) from a seeded `Rng`.
 *
 * ```ts
 * const plan = planTensor(kernel, { bits: 8 }, 'weights');            // T = max|W|, FL search ±2
 * const wq = fakeQuantize(kernel, plan, { rounding: 'sr', rng: new Rng(1) });
 * const act = planTensor(calib, { bits: 8, threshold: 'kl' }, 'activations', new Rng(2));
 * ```
 */
export {
  Roundings,
  type Rounding,
  type UniformSource,
  type FixedPointFormat,
  MIN_BITS,
  MAX_BITS,
  checkFormat,
  rna,
  codeRange,
  stepOf,
  quantizeCode,
  toCodes,
  fromCodes,
  fakeQuantize,
  quantizationSse,
  quantizationSseMulti,
  requantize,
} from './fixed-point.js';
export { absMax, absHistogram, type AbsHistogram } from './histogram.js';
export {
  ZeroHandlings,
  type ZeroHandling,
  type KlOptions,
  type KlSearchResult,
  type KlThresholdResult,
  klSearch,
  klThreshold,
} from './kl-threshold.js';
export {
  ThresholdMethods,
  type ThresholdMethod,
  type ThresholdOptions,
  percentileThreshold,
  quickselect,
  computeThreshold,
} from './threshold.js';
export { initialFl, searchFl, type FlSearchResult } from './fl-search.js';
export {
  type TensorQuantConfig,
  type TensorQuantPlan,
  type LayerQuantPlan,
  resolveConfig,
  subsample,
  planTensor,
  planLabel,
  planModel,
} from './plan.js';
export {
  Pow2Modes,
  type Pow2Mode,
  type Pow2Levels,
  type Pow2Result,
  pow2Levels,
  pow2ModeOf,
  nearestPow2,
  quantizePow2,
  inqPartition,
  type LayerPow2Levels,
  layerPow2Levels,
  quantizeToLevels,
} from './pow2.js';
export { type InqStepResult, inqStep, firstOffGrid } from './inq.js';
