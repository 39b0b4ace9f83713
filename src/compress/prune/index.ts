/**
 * Pruning: masks (Uint8Array, 1 = kept) for unstructured magnitude, group-balanced (GBP),
 * kernel-row (KRP) and filter pruning, gradual schedules, and the model-level entry point.
 */
export { applyMask, countKept, denseMask, isMonotone, maskRatio } from './mask.js';
export { checkBits, checkGroupSize, checkKeep, checkRatio, kernelDims, keepFromRatio, shapeSize } from './params.js';
export type { GroupKeep, KernelDims } from './params.js';
export { globalMagnitudeMasks, magnitudeMask, magnitudeThreshold, pruneCount } from './magnitude.js';
export type { MagnitudeOptions } from './magnitude.js';
export { GroupShapes, PartialPolicies, groupBalancedMask } from './group-balanced.js';
export type { GbpOptions, GbpResult, GroupShape, PartialPolicy } from './group-balanced.js';
export {
  gradualGroupBalanced,
  gradualMagnitude,
  keepSchedule,
  layerIterativeConfigs,
  ratioSchedule,
} from './schedule.js';
export type { GbpStep, KeepStep } from './schedule.js';
export { kernelRowMask } from './kernel-row.js';
export type { KrpOptions, KrpResult } from './kernel-row.js';
export { filterMask } from './filter.js';
export type { FilterResult } from './filter.js';
export { pruneModel } from './prune-model.js';
export type { PrunableModel } from './prune-model.js';
export { PruneMethods } from './prune-config.js';
export type {
  AppliedPruning,
  FilterConfig,
  GroupBalancedConfig,
  KernelRowConfig,
  LayerPruneReport,
  MagnitudeConfig,
  PruneConfig,
  PruneMethod,
  PruneReport,
  PruneResult,
  RatioSummary,
} from './prune-config.js';
