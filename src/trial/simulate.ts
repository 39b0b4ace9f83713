/**
 * The simulator's side of a trial: per-layer compression artefacts from the stored SimInput, simulation of every
 * accelerator (sharing the mask-statistics cache), and the pure mapping of a report to its `simulations` /
 * `layer_simulations` rows (the activity only persists them).
 */
import {
  createMaskStatsCache,
  resolveHardware,
  simulateNetwork,
  type LayerCompression,
  type NetworkReport,
} from '../accel/index.js';
import type { AcceleratorSpec } from '../spec/index.js';
import type { SimInput } from './sim-input.js';
import { acceleratorName } from './stage-keys.js';

/** The simulator's per-layer compression artefacts from a trial's stored SimInput. */
export function layerCompression(s: SimInput): Map<string, LayerCompression> {
  const out = new Map<string, LayerCompression>();
  for (const p of s.perLayer) {
    const mask = s.masks.get(p.name);
    const codes = s.codes.get(p.name);
    out.set(p.name, {
      ...(mask ? { mask } : {}),
      ...(mask && p.sparsity ? { sparsity: p.sparsity } : {}),
      ...(p.weightBits !== null ? { weightBits: p.weightBits } : {}),
      // Inputs stored before the weight format existed leave it unknown (undefined); null means float weights.
      ...(p.weightFormat !== undefined ? { weightFormat: p.weightFormat ?? 'float' } : {}),
      ...(p.activationBits !== null ? { activationBits: p.activationBits } : {}),
      ...(codes && p.weightClusters !== null ? { weightCodes: codes, weightClusters: p.weightClusters } : {}),
      ...(p.activationClusters !== null ? { activationClusters: p.activationClusters } : {}),
      ...(p.activationDensity !== null ? { activationDensity: p.activationDensity } : {}),
    });
  }
  return out;
}

/**
 * Simulates one compressed network on every accelerator, sharing the mask-statistics cache so each further
 * configuration reuses the popcounts of the first. `onReport` runs after each (persist + heartbeat there).
 */
export async function simulateAll(
  s: SimInput,
  accelerators: AcceleratorSpec[],
  onReport: (accelerator: string, report: NetworkReport) => Promise<void>,
): Promise<void> {
  const cache = createMaskStatsCache();
  const compression = layerCompression(s);
  for (const spec of accelerators) {
    const hw = resolveHardware(spec);
    const report = simulateNetwork(s.layers, compression, hw, { cache });
    await onReport(acceleratorName(spec, hw.name), report);
  }
}

/** A number the database can hold (NaN and ±Infinity become null). */
const finiteOrNull = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

/** JSON-safe deep copy (typed arrays and undefined fields dropped the JSON way). */
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

/** Columns `simulations` (whole network) and `layer_simulations` (one layer) share. Cycles in clock cycles. */
interface CostColumns {
  totalCycles: number;
  computeCycles: number;
  memoryStallCycles: number;
  referenceCycles: number;
  speedup: number | null;
  utilization: number | null;
  loadImbalance: number | null;
  denseMacs: number;
  usefulMacs: number;
  dramBytes: number;
  sramBytes: number;
  energyPj: number | null;
}

/** One `simulations` row without the trial id (the store adds it). */
export interface SimulationColumns extends CostColumns {
  accelerator: string;
  hardwareHash: string;
  hardware: unknown;
  referenceComputeCycles: number;
  computeSpeedup: number | null;
  bitWidthFactor: number | null;
  weightSparsityFactor: number | null;
  activationSkipFactor: number | null;
  clusteringFactor: number | null;
  memoryFactor: number | null;
  storageBits: number;
  totals: unknown;
}

/** One `layer_simulations` row without the simulation id. */
export interface LayerSimulationColumns extends CostColumns {
  layer: string;
  layerIndex: number;
  stats: unknown;
}

/** The `simulations` row of one report (columns documented in the README's SQL section and docs/simulator.md §3). */
export function simulationRow(accelerator: string, r: NetworkReport): SimulationColumns {
  const t = r.totals;
  const f = r.speedup.factors;
  return {
    accelerator,
    hardwareHash: r.hardwareHash,
    hardware: json(r.hardware),
    totalCycles: t.totalCycles,
    computeCycles: t.computeCycles,
    memoryStallCycles: t.memoryStallCycles,
    referenceCycles: t.referenceCycles,
    referenceComputeCycles: t.referenceComputeCycles,
    speedup: finiteOrNull(r.speedup.speedup),
    computeSpeedup: finiteOrNull(r.speedup.computeSpeedup),
    bitWidthFactor: finiteOrNull(f.bitWidth),
    weightSparsityFactor: finiteOrNull(f.weightSparsity),
    activationSkipFactor: finiteOrNull(f.activationSkipping),
    clusteringFactor: finiteOrNull(f.clustering),
    memoryFactor: finiteOrNull(f.memory),
    utilization: finiteOrNull(t.utilization),
    loadImbalance: finiteOrNull(t.loadImbalance),
    denseMacs: t.denseMacs,
    usefulMacs: t.usefulMacs,
    dramBytes: t.dramBytes,
    sramBytes: t.sramReadBytes + t.sramWriteBytes,
    storageBits: t.storageBits,
    energyPj: finiteOrNull(t.energyPj),
    totals: json(t),
  };
}

/** The `layer_simulations` rows of one report, in network order. */
export function layerSimulationRows(r: NetworkReport): LayerSimulationColumns[] {
  return r.layers.map((l, i) => ({
    layer: l.name,
    layerIndex: i,
    totalCycles: l.totalCycles,
    computeCycles: l.computeCycles,
    memoryStallCycles: l.memoryStallCycles,
    referenceCycles: l.referenceCycles,
    speedup: l.totalCycles > 0 ? finiteOrNull(l.referenceCycles / l.totalCycles) : null,
    utilization: finiteOrNull(l.utilization),
    loadImbalance: finiteOrNull(l.loadImbalance),
    denseMacs: l.denseMacs,
    usefulMacs: l.usefulMacs,
    dramBytes: l.dramBytes.total,
    sramBytes: l.sramReadBytes.ifmap + l.sramReadBytes.filter + l.sramReadBytes.metadata + l.sramWriteBytes,
    energyPj: finiteOrNull(l.energyPj.total),
    stats: json(l),
  }));
}
