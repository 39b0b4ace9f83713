/**
 * The data the charts draw, as the dashboard's JSON API returns it and `hwsweep plot` reads it. Plain JSON (no
 * Dates, no bigints), so the same chart code runs in the browser and in Node. Units: accuracy as a fraction of 1,
 * speedup as a factor (×) over the accelerator's dense run, sizes in bytes, cycles in accelerator clock cycles.
 */

/** One trial of a sweep, with its swept-axis values and simulated speedup per accelerator. */
export interface TrialPoint {
  id: string;
  number: number;
  label: string;
  status: string;
  accuracy: number | null;
  modelBytes: number | null;
  /** Swept axis (column name) -> value, only the axes that vary within the sweep. */
  axes: Record<string, string | number | null>;
  /** Accelerator -> speedup (×) of this trial on it; missing when not simulated. */
  speedup: Record<string, number>;
}

/** One epoch of one training phase (`baseline` or `retrain`). */
export interface EpochPoint {
  phase: string;
  epoch: number;
  lr: number;
  loss: number | null;
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
}

/** One layer's simulated cycles on one accelerator. */
export interface LayerCycles {
  accelerator: string;
  layer: string;
  layerIndex: number;
  computeCycles: number;
  memoryStallCycles: number;
  totalCycles: number;
}

/** One layer's compression result. */
export interface LayerCompressionRow {
  layer: string;
  layerIndex: number;
  weights: number;
  kept: number;
  sparsity: number;
  weightBits: number;
  weightClusters: number | null;
  storageBits: number;
}

/** Mean and best result of the trials that share one value of one axis. */
export interface MarginalRow {
  axis: string;
  value: string;
  trials: number;
  meanAccuracy: number | null;
  maxAccuracy: number | null;
}

export const PlotKinds = ['pareto', 'curves', 'layers', 'parallel'] as const;
export type PlotKind = (typeof PlotKinds)[number];
