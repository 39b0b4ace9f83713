/**
 * Accelerator simulator (issue 5). Takes batch-1 layer descriptors plus each layer's real
 * compression artefacts and a hardware config; returns per-layer and network cycles, utilisation,
 * load imbalance, MACs, SRAM/DRAM traffic, storage and energy.
 *
 * @example
 * ```ts
 * const hw = resolveHardware('kang-cx');
 * const cache = createMaskStatsCache(); // reuse across the hardware configs of one trial
 * const report = simulateNetwork(layers, new Map([['conv2', { mask }]]), hw, { cache });
 * console.log(formatReportTable(report));
 * ```
 */
export type {
  ClusteredParams,
  Dataflow,
  EngineKind,
  EnergyPresetName,
  GroupParams,
  GroupShape,
  HardwareConfig,
  KrpParams,
  LayerCompression,
  LayerStats,
  MemoryConfig,
  NetworkReport,
  NetworkTotals,
  PackingConfig,
  SubwordParams,
  SpeedupFactors,
  SpeedupSplit,
  SystolicParams,
} from './types.js';
export { EngineKinds, Dataflows, EnergyPresetNames, CompatModes } from './types.js';
export { presets } from './presets.js';
export { resolveHardware, hardwareProblem, validateHardware, hardwareHash, packingFactor } from './hardware.js';
export type { MaskStatsCache } from './mask-stats.js';
export { createMaskStatsCache } from './mask-stats.js';
export type { SimulateOptions } from './simulate.js';
export { REFERENCE, simulateNetwork } from './simulate.js';
export { parseTopologyCsv } from './topology.js';
export { parseScaleSimCfg } from './scalesim-cfg.js';
export { formatReportTable } from './report-table.js';
export { energyModels } from './energy.js';
export type { Compat, Workload } from './workload.js';
export { lowerLayer } from './workload.js';
