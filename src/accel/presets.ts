/**
 * Hardware presets: the seed papers' machines (METHODS §7.6, all [I] where the paper gives no number)
 * and SCALE-Sim v2's three shipped configs (configs/scale.cfg, google.cfg, eyeriss.cfg).
 */
import type { ClusteredParams, GroupParams, HardwareConfig, KrpParams, MemoryConfig, PackingConfig } from './types.js';

const KB = 1024;
const noPacking: PackingConfig = { style: 'none', multiplierBits: 8, maxFactor: 1 };
const mem = (ifmapKb: number, filterKb: number, ofmapKb: number, bpc = 16): MemoryConfig => ({
  ifmapSramBytes: ifmapKb * KB,
  filterSramBytes: filterKb * KB,
  ofmapSramBytes: ofmapKb * KB,
  dramBytesPerCycle: bpc,
  overlap: true,
  doubleBuffered: true,
});

/** The METHODS §7.2 group engine as written: 16 PEs, g = 16 channels at one tap, 16 multipliers, lock-step. */
export const DEFAULT_GROUP: GroupParams = {
  tk: 16,
  g: 16,
  m: 16,
  lockstep: true,
  alignGroupsToRows: false,
  groupShape: 'vector',
  windowAxis: 'channel',
  fetchWindowsPerCycle: 1,
  layerOverheadCycles: 0,
};

/** The METHODS §6.5 kernel-row array: 8x8 kernel-PEs with S multipliers and an R:1 row mux, weights stationary. */
export const DEFAULT_KRP: KrpParams = { pc: 8, pk: 8, rowMux: true, shifters: false, weightStationary: true };

/** The METHODS §5.3 KCNN PE (see the `kcnn` preset for where each number comes from). */
export const DEFAULT_CLUSTERED: ClusteredParams = {
  pes: 16,
  adders: 16,
  multipliers: 4,
  denseMacsPerPe: 8,
  comparators: 16,
  mode: 'W',
  pipelined: true,
  onlineIterations: 0,
};

/**
 * The machine-wide fields every preset starts from. `resolveHardware` gives them (with {@link DEFAULT_MEMORY}) to a
 * custom config that leaves them out, and a SCALE-Sim .cfg, which has no such fields, gets them too.
 */
export const DEFAULT_MACHINE = {
  clockMHz: 200,
  weightBits: 8,
  activationBits: 8,
  accumulatorBits: 32,
  skipZeroActivations: false,
  packing: noPacking,
} satisfies Partial<HardwareConfig>;

/** 64 kB ifmap, filter and ofmap SRAMs, 16 DRAM bytes per cycle, memory time overlapped, double-buffered. */
export const DEFAULT_MEMORY: MemoryConfig = mem(64, 64, 64);

/**
 * Zhu et al.'s fixed part, calibrated (docs/simulator.md §5.2, docs/fidelity.md): the abstract gives speedups
 * 1.273x (8 bit) and 1.556x (4 bit) over 16 bit, i.e. (Amdahl) about half the run time does not shrink with width.
 * We put that half in control cycles proportional to the layer's full-width MAC cycles and pick the value that
 * fits both speedups best (least squares on the log ratios) on VGG-16's 13 conv layers: 1.16 control cycles per
 * 16-bit MAC cycle (8 bit: 1.303x, 4 bit: 1.535x). The paper does not say what the fixed part is; nothing else is tuned.
 */
export const ZHU_CTRL_PER_MAC_CYCLE = 1.16;

export const presets: Record<string, HardwareConfig> = {
  'kang-cx': {
    ...DEFAULT_MACHINE,
    name: 'kang-cx',
    engine: 'group',
    clockMHz: 1000,
    memory: mem(64, 64, 64),
    group: { ...DEFAULT_GROUP, g: 64, alignGroupsToRows: true, windowAxis: 'flat' },
    source:
      'METHODS §4.3(a)/§7.6: Cambricon-X-like (Zhang et al., MICRO 2016): 16 PEs x 16 multipliers, lock-step, ' +
      'weights skipped, activations not; activation window g_f = 64 along the flattened kh*kw*C axis [I] (4 AAP ' +
      'groups of 16: a 16:4 layer fills exactly one 16-weight buffer row per window); each window starts a new ' +
      'buffer row (misaligned groups cost a cycle)',
  },
  'kang-lowcplx': {
    ...DEFAULT_MACHINE,
    name: 'kang-lowcplx',
    engine: 'aap-lowcplx',
    memory: mem(64, 64, 64),
    group: { ...DEFAULT_GROUP, m: 4, alignGroupsToRows: true },
    source:
      'METHODS §4.3(b)/§7.6: AAP low-complexity PE designed for g:n = 16:4 (README g/p = 16/12): 4 multipliers ' +
      'with 16:1 muxes per PE, 16 PEs, one window of 16 channels per cycle; its reference is the same PE ' +
      'running dense weights 4 per cycle (4 cycles per window)',
  },
  'lixiao-fpga': {
    ...DEFAULT_MACHINE,
    name: 'lixiao-fpga',
    engine: 'group',
    packing: { style: 'dsp', multiplierBits: 16, maxFactor: 2 },
    memory: mem(64, 64, 64),
    group: { ...DEFAULT_GROUP, m: 8, alignGroupsToRows: false, fetchWindowsPerCycle: 4 },
    source:
      'METHODS §2.3/§7.6: Tk=16 PEs, 8 DSP/PE, INT8 dual-MAC per DSP (Xilinx WP486), g=16; configurable ' +
      'sparsity read as a packed PE [I]: kept weights of successive groups fill the 16 MAC slots, up to 4 ' +
      'groups fetched per cycle; reference = the same packed INT8 machine on dense weights',
  },
  'zhu-array': {
    ...DEFAULT_MACHINE,
    name: 'zhu-array',
    engine: 'subword',
    weightBits: 16,
    activationBits: 16,
    packing: { style: 'dsp', multiplierBits: 16, maxFactor: 16 },
    memory: { ...mem(64, 64, 64, 4), overlap: false },
    subword: {
      pes: 16,
      datapathBits: 16,
      busBits: 32,
      cMem: 1,
      tCtrl: 0,
      ctrlPerMacCycle: ZHU_CTRL_PER_MAC_CYCLE,
      outputWords: 'datapath',
    },
    source:
      'METHODS §3.4/§7.6: dense 4x4 PEs, 16-bit datapath split into 16/b lanes, 32-bit bus, 16-bit reference; ' +
      `control ${ZHU_CTRL_PER_MAC_CYCLE} cycles per 16-bit MAC cycle calibrated to the paper's 1.273x/1.556x; ` +
      'outputs leave the array as 16-bit words [I]',
  },
  kcnn: {
    ...DEFAULT_MACHINE,
    name: 'kcnn',
    engine: 'clustered',
    skipZeroActivations: true,
    memory: mem(64, 64, 64),
    clustered: { ...DEFAULT_CLUSTERED },
    source:
      'METHODS §5.3/§7.6: A=16 adders, m=4 multipliers per PE, 16 comparators, zero activations skipped ' +
      '(non-zero clustering); reference = the equal-area dense PE: 16 x 32-bit adders (137 um2) + 4 x 8-bit ' +
      'multipliers (282 um2) = 3320 um2 = 7.9 MACs (419 um2 each, Horowitz ISSCC 2014 45 nm) -> 8 MACs per PE',
  },
  'krp-fpga': {
    ...DEFAULT_MACHINE,
    name: 'krp-fpga',
    engine: 'krp',
    memory: mem(64, 64, 64),
    krp: { ...DEFAULT_KRP },
    source:
      'METHODS §6.5/§7.6: 8x8 kernel-PEs, S multipliers + R:1 row mux each; reference = the same PEs on dense ' +
      'kernels (R row passes per pixel); FC layers computed dense, stored sparse',
  },
  'scalesim-scale': {
    ...DEFAULT_MACHINE,
    name: 'scalesim-scale',
    engine: 'systolic',
    memory: { ...mem(64, 64, 64, 64), overlap: false },
    systolic: { rows: 32, cols: 32, dataflow: 'os' },
    source: 'SCALE-Sim v2 configs/scale.cfg: 32x32 OS, 64/64/64 kB',
  },
  'scalesim-google': {
    ...DEFAULT_MACHINE,
    name: 'scalesim-google',
    engine: 'systolic',
    memory: { ...mem(6144, 6144, 2048, 10), overlap: false },
    systolic: { rows: 256, cols: 256, dataflow: 'ws' },
    source: 'SCALE-Sim v2 configs/google.cfg: 256x256 WS (TPU v1), 6144/6144/2048 kB',
  },
  'scalesim-eyeriss': {
    ...DEFAULT_MACHINE,
    name: 'scalesim-eyeriss',
    engine: 'systolic',
    memory: { ...mem(36, 36, 36, 10), overlap: false },
    systolic: { rows: 12, cols: 14, dataflow: 'ws' },
    source: 'SCALE-Sim v2 configs/eyeriss.cfg: 12x14 WS, 36/36/36 kB',
  },
};
