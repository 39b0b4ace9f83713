/**
 * Hardware presets: the seed papers' machines (METHODS §7.6, all [I] where the paper gives no number)
 * and SCALE-Sim v2's three shipped configs (configs/scale.cfg, google.cfg, eyeriss.cfg).
 */
import type { GroupParams, HardwareConfig, MemoryConfig, PackingConfig } from './types.js';

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
  layerOverheadCycles: 0,
};

const base = { clockMHz: 200, weightBits: 8, activationBits: 8, accumulatorBits: 32, packing: noPacking };

export const presets: Record<string, HardwareConfig> = {
  'kang-cx': {
    ...base,
    name: 'kang-cx',
    engine: 'group',
    clockMHz: 1000,
    memory: mem(64, 64, 64),
    group: { ...DEFAULT_GROUP, g: 256, alignGroupsToRows: true, windowAxis: 'flat' },
    source:
      'METHODS §4.3(a)/§7.6: Cambricon-X-like (Zhang et al., MICRO 2016): 16 PEs x 16 multipliers, lock-step; ' +
      'activation window g_f = 256 along the flattened kh*kw*C axis [I] (with g_f = M = 16 every window takes one ' +
      'cycle whatever the mask, so sparsity could never pay off); a g = 16 pruning group divides g_f (balanced)',
  },
  'kang-lowcplx': {
    ...base,
    name: 'kang-lowcplx',
    engine: 'aap-lowcplx',
    memory: mem(64, 64, 64),
    group: { ...DEFAULT_GROUP },
    source: 'METHODS §4.3(b)/§7.6: AAP low-complexity PE, n multipliers with g:1 muxes (m = layer n)',
  },
  'lixiao-fpga': {
    ...base,
    name: 'lixiao-fpga',
    engine: 'group',
    packing: { style: 'dsp', multiplierBits: 16, maxFactor: 2 },
    memory: mem(64, 64, 64),
    group: { ...DEFAULT_GROUP, m: 8, groupsPerStep: 'fill' },
    source:
      'METHODS §2.3/§7.6: Tk=16 PEs, 8 DSP/PE, INT8 dual-MAC per DSP (Xilinx WP486), g=16; ' +
      'configurable sparsity read as floor(M/n) groups per step [I]',
  },
  'zhu-array': {
    ...base,
    name: 'zhu-array',
    engine: 'subword',
    weightBits: 16,
    activationBits: 16,
    packing: { style: 'dsp', multiplierBits: 16, maxFactor: 16 },
    memory: { ...mem(64, 64, 64, 4), overlap: false },
    subword: { pes: 16, datapathBits: 16, busBits: 32, cMem: 1, tCtrl: 0 },
    source: 'METHODS §3.4/§7.6: 4x4 PEs, 16-bit datapath split into 16/b lanes, 32-bit bus',
  },
  kcnn: {
    ...base,
    name: 'kcnn',
    engine: 'clustered',
    memory: mem(64, 64, 64),
    clustered: {
      pes: 16,
      adders: 16,
      multipliers: 4,
      comparators: 16,
      mode: 'W',
      pipelined: true,
      onlineIterations: 0,
    },
    source: 'METHODS §5.3/§7.6: A=16 adders, m=4 multipliers per PE, 16 comparators',
  },
  'krp-fpga': {
    ...base,
    name: 'krp-fpga',
    engine: 'krp',
    memory: mem(64, 64, 64),
    krp: { pc: 8, pk: 8, rowMux: true, shifters: false, weightStationary: true },
    source: 'METHODS §6.5/§7.6: 8x8 kernel-PEs, S multipliers + R:1 row mux each',
  },
  'scalesim-scale': {
    ...base,
    name: 'scalesim-scale',
    engine: 'systolic',
    memory: { ...mem(64, 64, 64, 64), overlap: false },
    systolic: { rows: 32, cols: 32, dataflow: 'os' },
    source: 'SCALE-Sim v2 configs/scale.cfg: 32x32 OS, 64/64/64 kB',
  },
  'scalesim-google': {
    ...base,
    name: 'scalesim-google',
    engine: 'systolic',
    memory: { ...mem(6144, 6144, 2048, 10), overlap: false },
    systolic: { rows: 256, cols: 256, dataflow: 'ws' },
    source: 'SCALE-Sim v2 configs/google.cfg: 256x256 WS (TPU v1), 6144/6144/2048 kB',
  },
  'scalesim-eyeriss': {
    ...base,
    name: 'scalesim-eyeriss',
    engine: 'systolic',
    memory: { ...mem(36, 36, 36, 10), overlap: false },
    systolic: { rows: 12, cols: 14, dataflow: 'ws' },
    source: 'SCALE-Sim v2 configs/eyeriss.cfg: 12x14 WS, 36/36/36 kB',
  },
};
