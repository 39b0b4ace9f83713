import type { SparseEncoding } from '../shared/storage-bits.js';

/**
 * Public types of the accelerator simulator: hardware descriptions, per-layer compression artefacts,
 * the per-layer statistics record every engine returns, and the network report.
 * All counts are plain numbers (JSON-safe); quantities that cannot be defined are `null` with a reason.
 */

export const EngineKinds = ['systolic', 'group', 'aap-lowcplx', 'krp', 'subword', 'clustered'] as const;
export type EngineKind = (typeof EngineKinds)[number];

export const Dataflows = ['os', 'ws', 'is'] as const;
export type Dataflow = (typeof Dataflows)[number];

/** Shape and word conventions of the layer model (docs/simulator.md §4.1): hwsweep's own, or SCALE-Sim v2's. */
export const CompatModes = ['native', 'scalesim'] as const;
export type Compat = (typeof CompatModes)[number];

export const PackingStyles = ['none', 'dsp', 'bitfusion'] as const;
/** `dsp`: pf = ⌊B/bw⌋ (shared activation); `bitfusion`: pf = ⌊B/ba⌋·⌊B/bw⌋; `none`: pf = 1. */
export type PackingStyle = (typeof PackingStyles)[number];

export const GroupShapes = ['vector', 'block'] as const;
export type GroupShape = (typeof GroupShapes)[number];

export const EnergyPresetNames = ['horowitz45', 'accelergy45', 'eyeriss'] as const;
export type EnergyPresetName = (typeof EnergyPresetNames)[number];

/** Sub-word packing of a native multiplier (METHODS §2.3, §3.4; docs/simulator.md §4.4). */
export interface PackingConfig {
  style: PackingStyle;
  /** Native multiplier width B in bits. */
  multiplierBits: number;
  /** Upper bound on products per multiplier per cycle (e.g. 2 for Xilinx INT8 dual-MAC). */
  maxFactor: number;
}

/** On-chip buffers and the off-chip interface. Sizes in bytes. */
export interface MemoryConfig {
  ifmapSramBytes: number;
  filterSramBytes: number;
  ofmapSramBytes: number;
  /** Off-chip bandwidth in bytes per cycle (used for memory time in native mode). */
  dramBytesPerCycle: number;
  /** Compute and memory transfers overlap (`max`) instead of adding up. */
  overlap: boolean;
  /** Double-buffered SRAMs (as in SCALE-Sim): half of each buffer is usable per working set. */
  doubleBuffered: boolean;
}

/** Dense / sparse systolic array (SCALE-Sim v2 closed form; docs/simulator.md §1, §4.3 sparse WS). */
export interface SystolicParams {
  rows: number;
  cols: number;
  dataflow: Dataflow;
  /**
   * Sparse weight-stationary rows: K is cut into groups of `g`, each group gets `n` PE rows with a
   * g:1 mux per PE (2:4-STC / AAP style). Absent = dense array (masks change only energy/traffic).
   */
  sparse?: { g: number; n: number };
}

/** Lock-step group engine (METHODS §7.2): dense, balanced, irregular, Cambricon-X-like. */
export interface GroupParams {
  /** PEs = output channels in flight. */
  tk: number;
  /** Activations fetched per step along C (= pruning group size it is balanced for). */
  g: number;
  /** Multiplier slots per PE per cycle before packing. */
  m: number;
  lockstep: boolean;
  /**
   * `true`: each window's kept weights start a new weight-buffer row of M slots, so a lane needs ⌈c/M⌉ cycles for
   * a window (a partial row costs a whole cycle: the misaligned-buffer cost of Kang 2020). `false`: rows are packed
   * across windows, a lane needs c/M (fractional) and the pass total is rounded up once (docs/simulator.md §4.3).
   */
  alignGroupsToRows: boolean;
  groupShape: GroupShape;
  /**
   * Axis the activation windows run along: `channel` = g consecutive input channels at one tap
   * (docs/simulator.md §4.3, default); `flat` = g consecutive elements of the flattened kh·kw·C axis, as a
   * Cambricon-X indexing module streams a conv lowered to matrix-vector form [I].
   */
  windowAxis: 'channel' | 'flat';
  /**
   * Activation windows the buffer can broadcast per cycle (default 1): a window costs at least
   * `steps / fetchWindowsPerCycle` cycles. > 1 lets a packed PE (alignGroupsToRows = false) take the weights of
   * several sparse windows in one cycle (Li & Xiao's configurable-sparsity PE).
   */
  fetchWindowsPerCycle: number;
  /** Fixed cycles added per layer (F_layer). */
  layerOverheadCycles: number;
}

/** Kernel-row engine (METHODS §6.5). */
export interface KrpParams {
  pc: number;
  pk: number;
  /** Kernel-PEs have S multipliers and an R:1 row mux (true) or R·S multipliers (false). */
  rowMux: boolean;
  /** Power-of-two weights on shifters (GSNQ): 0 multipliers. */
  shifters: boolean;
  /** Weights stay in the PEs for the whole layer (read once) instead of once per pixel. */
  weightStationary: boolean;
}

/** Reconfigurable sub-word array (METHODS §3.4). */
export interface SubwordParams {
  pes: number;
  datapathBits: number;
  busBits: number;
  /** Cycles per bus word. */
  cMem: number;
  /** Control overhead per layer in cycles. */
  tCtrl: number;
  /**
   * Control cycles per full-width MAC cycle (⌈MAC/P⌉) that sub-word packing does not shorten (loop control,
   * address generation, operand alignment): T_ctrl = tCtrl + ctrlPerMacCycle·⌈MAC/P⌉ (docs/simulator.md §5.2).
   */
  ctrlPerMacCycle: number;
  /**
   * Width of the words a layer writes out: `datapath` (the PE's Dp-bit word; the next layer converts its input to
   * its own width when it loads it) or `operand` (the layer's activation width).
   */
  outputWords: 'datapath' | 'operand';
}

/** Clustered accumulate-then-multiply engine (METHODS §5.3). */
export interface ClusteredParams {
  pes: number;
  adders: number;
  multipliers: number;
  comparators: number;
  mode: 'W' | 'WA';
  /**
   * Multiply-accumulate units per PE when a layer has no cluster codes (the uncompressed network): the dense PE of
   * the same silicon area as `adders` adders + `multipliers` multipliers (docs/simulator.md §5.4).
   */
  denseMacsPerPe: number;
  pipelined: boolean;
  /** Online activation clustering: Lloyd iterations per image (0 = static codebook). */
  onlineIterations: number;
}

export interface HardwareConfig {
  name: string;
  engine: EngineKind;
  /** Clock in MHz (for time and GOP/s). */
  clockMHz: number;
  /** Default operand widths when a layer gives none. */
  weightBits: number;
  activationBits: number;
  /** Accumulator width (adder energy). */
  accumulatorBits: number;
  /**
   * The machine skips products with a zero input activation (KCNN's non-zero clustering). Off unless the hardware
   * has it: then a layer's `activationDensity` / `activationMask` are ignored.
   */
  skipZeroActivations: boolean;
  packing: PackingConfig;
  memory: MemoryConfig;
  systolic?: SystolicParams;
  group?: GroupParams;
  krp?: KrpParams;
  subword?: SubwordParams;
  clustered?: ClusteredParams;
  /** Free text: where the numbers come from. */
  source?: string;
}

/** Compression artefacts of one layer. Masks and codes are in the layer's weight layout (HWIO). */
export interface LayerCompression {
  /** Weight mask, `[kernelH, kernelW, inC/groups, outC]` (fc `[inC, outC]`), 1 = kept. */
  mask?: Uint8Array;
  weightBits?: number;
  /**
   * How the weights are written: `pow2` = 0 or ±2^e (INQ / GSNQ), which shifters can multiply; `fixed` / `float`
   * need multipliers. Absent = unknown (a shifter machine is then assumed to get weights it can run).
   */
  weightFormat?: 'float' | 'fixed' | 'pow2';
  activationBits?: number;
  /** Cluster codes per weight, same layout as `mask`; 0 = zero weight, 1..k = cluster. */
  weightCodes?: Uint16Array | Uint8Array;
  weightClusters?: number;
  activationClusters?: number;
  /** Expected fraction of non-zero input activations (zero-activation skipping as an expectation). */
  activationDensity?: number;
  /**
   * Input activation masks from calibration images, `[images, inH, inW, inC]` (NHWC, unpadded),
   * 1 = non-zero; any number of images ≥ 1, results are per-image means.
   */
  activationMask?: Uint8Array;
  /**
   * How the weights are stored (the trial's pruning method decides: docs/methods.md §1.6). Absent = inferred from
   * the mask by the engine (balanced for its g when every full group keeps the same count, kernel-row when every
   * kernel keeps one row, else irregular with relative indices). Machines without sparse storage store dense.
   */
  sparsity?: SparseEncoding;
}

export interface ByteSplit {
  ifmap: number;
  filter: number;
  metadata: number;
}

/** The cycle and work counts a layer and the whole network both report (the network's are sums, see {@link NetworkTotals}). */
export interface CycleCounts {
  totalCycles: number;
  computeCycles: number;
  memoryStallCycles: number;
  /** The reference rule: the same hardware running the uncompressed layers (see {@link NetworkReport.speedup}). */
  referenceCycles: number;
  referenceComputeCycles: number;
  denseMacs: number;
  /** Products actually computed (non-zero weight slots, and non-zero activations when skipping). */
  usefulMacs: number;
  multiplications: number;
  additions: number;
  /** usefulMacs / (multiplier slots × cycles); null when there are no slots. */
  utilization: number | null;
  /** Σ_w max_p c / Σ_w mean_p c (≥ 1; 1 = balanced); null when there is no work. */
  loadImbalance: number | null;
}

export interface LayerStats extends CycleCounts {
  name: string;
  engine: EngineKind;
  /** METHODS §7.5: 1 − W_mean/W_max (0 = balanced); null when there is no work. */
  imbalance: number | null;
  packingFactor: number;
  /** On-chip access counts in elements (METHODS §7.5). */
  accesses: { actReads: number; wtReads: number; idxReads: number; rowReads: number; outWrites: number };
  sramReadBytes: ByteSplit;
  sramWriteBytes: number;
  dramBytes: { ifmap: number; filter: number; ofmap: number; metadata: number; total: number };
  storageBits: number;
  energyPj: { compute: number; sram: number; dram: number; total: number };
  /** SCALE-Sim COMPUTE_REPORT columns (systolic engine only). */
  scalesim?: {
    overallUtilPct: number;
    mappingEfficiencyPct: number;
    computeUtilPct: number;
    sramIfmapReads: number;
    sramFilterReads: number;
    sramOfmapWrites: number;
    dramIfmapReads: number;
    dramFilterReads: number;
    dramOfmapWrites: number;
  };
  /** Engine-specific extras (e.g. clustered Mode W / WA multiplications, KRP multipliers). */
  extra: Record<string, number | string | null>;
  /** Why a field is null, if any is. */
  notes: string[];
}

/** Whole-network sums; `utilization` is Σ useful / Σ slots, `loadImbalance` the useful-work-weighted mean of the layers'. */
export interface NetworkTotals extends CycleCounts {
  dramBytes: number;
  sramReadBytes: number;
  sramWriteBytes: number;
  storageBits: number;
  energyPj: number;
  timeMs: number;
  /** 2 · denseMacs · f / cycles, in GOP/s (dense-equivalent operations). */
  effectiveGops: number | null;
}

export interface NetworkReport {
  hardware: string;
  hardwareHash: string;
  compat: Compat;
  energyModel: string;
  layers: LayerStats[];
  totals: NetworkTotals;
  speedup: SpeedupSplit;
}

/**
 * Where a speedup comes from, as ratios of compute cycles between successive runs of the same hardware
 * (docs/simulator.md §3): reference -> trial's bit widths (`bitWidth`) -> + weight masks (`weightSparsity`)
 * -> + zero-activation skipping (`activationSkipping`) -> + cluster codes (`clustering`). Their product is
 * `computeSpeedup`; `memory` = `speedup / computeSpeedup`, so all five multiply to `speedup`.
 * A factor is 1 when its step changes nothing, and null only when a cycle count is 0.
 */
export interface SpeedupFactors {
  bitWidth: number | null;
  weightSparsity: number | null;
  activationSkipping: number | null;
  clustering: number | null;
  memory: number | null;
}

export interface SpeedupSplit {
  /** Reference total cycles / total cycles (memory stalls included): the time a user waits. */
  speedup: number | null;
  /** Reference compute cycles / compute cycles. */
  computeSpeedup: number | null;
  factors: SpeedupFactors;
}
