/**
 * Network simulation: lowers each layer, runs the hardware's engine, adds memory time and energy, and sums the
 * network. The speedup follows one rule (docs/simulator.md §3): the reference of any hardware config is that same
 * config running the uncompressed network ({@link REFERENCE}: all weights kept, hardware bit widths, no clusters,
 * every activation non-zero), computed by the same engine; intermediate runs split the speedup into factors.
 * Deterministic; every number JSON-safe (null + a note where undefined).
 */
import { HwsweepError } from '../errors.js';
import type { LayerDescriptor } from '../shared/layer.js';
import { energyModels, layerEnergy } from './energy.js';
import type { EngineContext, EngineResult } from './engines/common.js';
import { clusteredEngine } from './engines/clustered.js';
import { groupEngine } from './engines/group.js';
import { krpEngine } from './engines/krp.js';
import { subwordEngine } from './engines/subword.js';
import { systolicEngine } from './engines/systolic.js';
import { hardwareHash, validateHardware } from './hardware.js';
import type { MaskStatsCache } from './mask-stats.js';
import { createMaskStatsCache } from './mask-stats.js';
import type {
  EnergyPresetName,
  HardwareConfig,
  LayerCompression,
  LayerStats,
  NetworkReport,
  NetworkTotals,
  SpeedupFactors,
  SpeedupSplit,
} from './types.js';
import type { Compat } from './workload.js';
import { lowerLayer } from './workload.js';

export interface SimulateOptions {
  /** `native` (default): floor output rule, layer bit widths, memory stalls. `scalesim`: v2 conventions. */
  compat?: Compat;
  energy?: EnergyPresetName;
  /** Reuse mask statistics across hardware configs of one trial. */
  cache?: MaskStatsCache;
}

const ENGINES: Record<HardwareConfig['engine'], (c: EngineContext) => EngineResult> = {
  systolic: systolicEngine,
  group: groupEngine,
  'aap-lowcplx': groupEngine,
  krp: krpEngine,
  subword: subwordEngine,
  clustered: clusteredEngine,
};

function checkCompression(l: LayerDescriptor, wElems: number, c: LayerCompression): void {
  const bad = (field: string, value: unknown, allowed: string): never => {
    throw new HwsweepError('SHAPE_MISMATCH', `layer ${l.name}: ${field} = ${String(value)} is not ${allowed}`, {
      context: { layer: l.name, field, value: String(value) },
    });
  };
  if (c.mask && c.mask.length !== wElems) bad('mask.length', c.mask.length, `the weight count ${wElems}`);
  if (c.weightCodes && c.weightCodes.length !== wElems)
    bad('weightCodes.length', c.weightCodes.length, `the weight count ${wElems}`);
  const wb = c.weightBits;
  if (wb !== undefined && (!Number.isInteger(wb) || wb < 2 || wb > 32)) bad('weightBits', wb, 'an integer in [2, 32]');
  const ab = c.activationBits;
  if (ab !== undefined && (!Number.isInteger(ab) || ab < 1 || ab > 32))
    bad('activationBits', ab, 'an integer in [1, 32]');
  const d = c.activationDensity;
  if (d !== undefined && !(d >= 0 && d <= 1)) bad('activationDensity', d, 'in [0, 1]');
  for (const f of ['weightClusters', 'activationClusters'] as const) {
    const v = c[f];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) bad(f, v, 'an integer in [1, 65535]');
  }
}

/** One layer's statistics before the reference run is attached. */
type LayerRun = Omit<LayerStats, 'referenceCycles' | 'referenceComputeCycles'>;

/** Simulates one layer on one hardware config (see {@link simulateNetwork}). */
function simulateLayer(
  l: LayerDescriptor,
  comp: LayerCompression,
  hw: HardwareConfig,
  opts: Required<SimulateOptions>,
): LayerRun {
  const wl = lowerLayer(l, opts.compat);
  checkCompression(l, wl.weightElems, comp);
  const scal = opts.compat === 'scalesim';
  const bw = scal ? 8 : (comp.weightBits ?? hw.weightBits);
  const ba = scal ? 8 : (comp.activationBits ?? hw.activationBits);
  const ctx: EngineContext = { wl, comp, hw, compat: opts.compat, cache: opts.cache, bw, ba };
  const r = ENGINES[hw.engine](ctx);
  const dramBits = r.dramBits.ifmap + r.dramBits.filter + r.dramBits.ofmap + r.dramBits.metadata;
  const memCycles =
    scal && hw.engine === 'systolic' ? 0 : (r.memoryCycles ?? Math.ceil(dramBits / 8 / hw.memory.dramBytesPerCycle));
  const total = hw.memory.overlap ? Math.max(r.computeCycles, memCycles) : r.computeCycles + memCycles;
  const e = energyModels[opts.energy];
  const sramR = r.sramReadBits;
  const energy = layerEnergy(e, {
    multiplications: r.multiplications,
    additions: r.additions,
    idleSlots: Math.max(0, r.slots - r.usefulMacs),
    bw,
    ba,
    accBits: hw.accumulatorBits,
    sram: [
      { bytes: sramR.ifmap / 8, bufferBytes: hw.memory.ifmapSramBytes },
      { bytes: (sramR.filter + sramR.metadata) / 8, bufferBytes: hw.memory.filterSramBytes },
      { bytes: r.sramWriteBits / 8, bufferBytes: hw.memory.ofmapSramBytes },
    ],
    dramBytes: dramBits / 8,
  });
  return {
    name: l.name,
    engine: hw.engine,
    totalCycles: total,
    computeCycles: r.computeCycles,
    memoryStallCycles: total - r.computeCycles,
    denseMacs: wl.denseMacs,
    usefulMacs: r.usefulMacs,
    multiplications: r.multiplications,
    additions: r.additions,
    utilization: r.slots > 0 ? r.usefulMacs / r.slots : null,
    loadImbalance: r.loadImbalance,
    imbalance: r.imbalance,
    packingFactor: r.packingFactor,
    accesses: r.accesses,
    sramReadBytes: { ifmap: sramR.ifmap / 8, filter: sramR.filter / 8, metadata: sramR.metadata / 8 },
    sramWriteBytes: r.sramWriteBits / 8,
    dramBytes: {
      ifmap: r.dramBits.ifmap / 8,
      filter: r.dramBits.filter / 8,
      ofmap: r.dramBits.ofmap / 8,
      metadata: r.dramBits.metadata / 8,
      total: dramBits / 8,
    },
    storageBits: r.storageBits,
    energyPj: energy,
    ...(r.scalesim ? { scalesim: r.scalesim } : {}),
    extra: { ...r.extra, memoryCycles: memCycles },
    notes: [
      ...r.notes,
      ...(r.slots > 0 ? [] : ['utilization: null because the engine has no multiplier slots']),
      ...(r.loadImbalance === null && !r.notes.some((n) => n.includes('loadImbalance') || n.includes('dense array'))
        ? ['loadImbalance: null because there is no lane work (or the engine has no per-lane model)']
        : []),
    ],
  };
}

/** A whole-network run: per-layer statistics and the cycle sums the speedup is built from. */
interface NetworkRun {
  stats: LayerRun[];
  totalCycles: number;
  computeCycles: number;
}

function runNetwork(
  layers: LayerDescriptor[],
  compression: ReadonlyMap<string, LayerCompression>,
  hw: HardwareConfig,
  o: Required<SimulateOptions>,
): NetworkRun {
  const stats = layers.map((l) => simulateLayer(l, compression.get(l.name) ?? {}, hw, o));
  let totalCycles = 0;
  let computeCycles = 0;
  for (const s of stats) {
    totalCycles += s.totalCycles;
    computeCycles += s.computeCycles;
  }
  return { stats, totalCycles, computeCycles };
}

/**
 * The reference of the reference rule: the uncompressed network (no masks, no cluster codes, the hardware's own
 * bit widths, every activation non-zero). Running it through {@link simulateNetwork}'s engines is the only way a
 * dense baseline is computed anywhere in the simulator.
 */
export const REFERENCE: ReadonlyMap<string, LayerCompression> = new Map();

/**
 * The steps from the reference to the compressed network, in the order their factors are attributed
 * (docs/simulator.md §3). Each adds the listed fields of the trial's compression to the previous step.
 */
const STEPS: readonly {
  factor: Exclude<keyof SpeedupFactors, 'memory'>;
  fields: readonly (keyof LayerCompression)[];
}[] = [
  { factor: 'bitWidth', fields: ['weightBits', 'activationBits'] },
  { factor: 'weightSparsity', fields: ['mask', 'sparsity'] },
  { factor: 'activationSkipping', fields: ['activationDensity', 'activationMask'] },
  { factor: 'clustering', fields: ['weightCodes', 'weightClusters', 'activationClusters'] },
];

/** Whether a step changes anything: some layer sets one of its fields (zero skipping only where the hardware skips). */
function stepApplies(
  step: (typeof STEPS)[number],
  compression: ReadonlyMap<string, LayerCompression>,
  hw: HardwareConfig,
): boolean {
  if (step.factor === 'activationSkipping' && !hw.skipZeroActivations) return false;
  for (const c of compression.values()) for (const f of step.fields) if (c[f] !== undefined) return true;
  return false;
}

/** The compression of the first `upTo` steps: each layer keeps only those steps' fields. */
function partialCompression(
  compression: ReadonlyMap<string, LayerCompression>,
  upTo: number,
): Map<string, LayerCompression> {
  const fields = STEPS.slice(0, upTo).flatMap((s) => s.fields);
  const out = new Map<string, LayerCompression>();
  for (const [name, c] of compression) {
    const p: Record<string, unknown> = {};
    for (const f of fields) if (c[f] !== undefined) p[f] = c[f];
    out.set(name, p as LayerCompression);
  }
  return out;
}

const ratioOf = (a: number, b: number): number | null => (b > 0 && a >= 0 ? a / b : null);

/**
 * Runs the reference, the intermediate steps that change something, and the compressed network; returns the
 * compressed run and the speedup split. The compressed run is always the full `compression` (never rebuilt
 * from steps), so the reported cycles are exactly those of the network as given.
 */
function speedupSplit(
  layers: LayerDescriptor[],
  compression: ReadonlyMap<string, LayerCompression>,
  hw: HardwareConfig,
  o: Required<SimulateOptions>,
): { run: NetworkRun; reference: NetworkRun; split: SpeedupSplit } {
  const reference = runNetwork(layers, REFERENCE, hw, o);
  const applied = STEPS.map((s, i) => ({ ...s, i })).filter((s) => stepApplies(s, compression, hw));
  const factors: SpeedupFactors = {
    bitWidth: 1,
    weightSparsity: 1,
    activationSkipping: 1,
    clustering: 1,
    memory: null,
  };
  let prev = reference;
  let run = reference;
  applied.forEach((s, j) => {
    run =
      j === applied.length - 1
        ? runNetwork(layers, compression, hw, o)
        : runNetwork(layers, partialCompression(compression, s.i + 1), hw, o);
    factors[s.factor] = ratioOf(prev.computeCycles, run.computeCycles);
    prev = run;
  });
  if (applied.length === 0) run = runNetwork(layers, compression, hw, o);
  const speedup = ratioOf(reference.totalCycles, run.totalCycles);
  const computeSpeedup = ratioOf(reference.computeCycles, run.computeCycles);
  factors.memory = speedup !== null && computeSpeedup !== null && computeSpeedup > 0 ? speedup / computeSpeedup : null;
  return { run, reference, split: { speedup, computeSpeedup, factors } };
}

/**
 * Simulates a network on one hardware config. `layers` are batch-1 NHWC descriptors; `compression`
 * maps layer names to masks/bits/codes (missing = dense at the hardware's default widths).
 * `speedup` = reference total cycles / total cycles (memory stalls included), split into factors whose product
 * is the speedup (see {@link SpeedupSplit}).
 */
export function simulateNetwork(
  layers: LayerDescriptor[],
  compression: ReadonlyMap<string, LayerCompression>,
  hw: HardwareConfig,
  opts: SimulateOptions = {},
): NetworkReport {
  validateHardware(hw);
  const o: Required<SimulateOptions> = {
    compat: opts.compat ?? 'native',
    energy: opts.energy ?? 'horowitz45',
    cache: opts.cache ?? createMaskStatsCache(),
  };
  const { run, reference, split } = speedupSplit(layers, compression, hw, o);
  const stats: LayerStats[] = run.stats.map((s, i) => ({
    ...s,
    referenceCycles: (reference.stats[i] as LayerRun).totalCycles,
    referenceComputeCycles: (reference.stats[i] as LayerRun).computeCycles,
  }));
  const sum = (f: (s: LayerStats) => number): number => stats.reduce((a, s) => a + f(s), 0);
  const slots = stats.reduce(
    (a, s) => a + (s.utilization !== null && s.utilization > 0 ? s.usefulMacs / s.utilization : 0),
    0,
  );
  let sMax = 0;
  let sMean = 0;
  for (const s of stats)
    if (s.loadImbalance !== null) {
      // weight by useful work: Σ max / Σ mean with mean ∝ useful MACs
      sMean += s.usefulMacs;
      sMax += s.usefulMacs * s.loadImbalance;
    }
  const totalCycles = run.totalCycles;
  const denseMacs = sum((s) => s.denseMacs);
  const totals: NetworkTotals = {
    totalCycles,
    computeCycles: run.computeCycles,
    memoryStallCycles: sum((s) => s.memoryStallCycles),
    referenceCycles: reference.totalCycles,
    referenceComputeCycles: reference.computeCycles,
    denseMacs,
    usefulMacs: sum((s) => s.usefulMacs),
    multiplications: sum((s) => s.multiplications),
    additions: sum((s) => s.additions),
    utilization: slots > 0 ? sum((s) => s.usefulMacs) / slots : null,
    loadImbalance: sMean > 0 ? sMax / sMean : null,
    dramBytes: sum((s) => s.dramBytes.total),
    sramReadBytes: sum((s) => s.sramReadBytes.ifmap + s.sramReadBytes.filter + s.sramReadBytes.metadata),
    sramWriteBytes: sum((s) => s.sramWriteBytes),
    storageBits: sum((s) => s.storageBits),
    energyPj: sum((s) => s.energyPj.total),
    timeMs: totalCycles / (hw.clockMHz * 1e3),
    effectiveGops: totalCycles > 0 ? (2 * denseMacs * hw.clockMHz * 1e6) / totalCycles / 1e9 : null,
  };
  return {
    hardware: hw.name,
    hardwareHash: hardwareHash(hw),
    compat: o.compat,
    energyModel: `${o.energy} (${energyModels[o.energy].unit})`,
    layers: stats,
    totals,
    speedup: split,
  };
}
