/**
 * Energy per action (docs/simulator.md §2, §4.7; METHODS §7.5b). Every constant carries its source so a
 * stored report is self-describing. Energy is a relative indicator; the `eyeriss` preset is in
 * units of one MAC, not pJ.
 */
import type { EnergyPresetName } from './types.js';

export interface EnergyConstant {
  value: number;
  unit: string;
  source: string;
}

export interface EnergyModel {
  name: EnergyPresetName;
  /** Unit of every `energyPj` field under this model. */
  unit: 'pJ' | 'MAC-relative';
  /** Multiplier energy for bw×ba bits. */
  mul(bw: number, ba: number): number;
  /** Adder energy for an accumulator of `bits`. */
  add(bits: number): number;
  /** Energy of an idle / gated multiplier slot. */
  gated: number;
  /** On-chip SRAM energy per bit for a buffer of `bytes`. */
  sramPerBit(bytes: number): number;
  dramPerBit: number;
  constants: Record<string, EnergyConstant>;
}

const HOROWITZ = 'Horowitz, "Computing\'s Energy Problem", ISSCC 2014, 45 nm 0.9 V';

const horowitz: Record<string, EnergyConstant> = {
  mul8: { value: 0.2, unit: 'pJ per 8x8-bit int multiply', source: HOROWITZ },
  add8: { value: 0.03, unit: 'pJ per 8-bit int add', source: HOROWITZ },
  add32: { value: 0.1, unit: 'pJ per 32-bit int add', source: HOROWITZ },
  sram8k: { value: 10, unit: 'pJ per 64-bit read, 8 kB SRAM', source: HOROWITZ },
  sramExp: {
    value: 0.48,
    unit: 'exponent of (size/8 kB) fitted to 8 kB/32 kB/1 MB = 10/20/100 pJ',
    source: `${HOROWITZ}; fit in docs/simulator.md §2.1 [I]`,
  },
  dram: {
    value: 20,
    unit: 'pJ per bit (640 pJ per 32-bit access)',
    source: `${HOROWITZ}, as tabulated by Han et al., NIPS 2015`,
  },
  mulScaling: {
    value: 64,
    unit: 'E_mul(bw,ba) = 0.2 pJ * bw*ba/64',
    source: 'docs/simulator.md §2.1 interpolation (8->32 bit: 15.5x measured, 16x by area) [I]',
  },
};

const ACC = 'Accelergy/Timeloop 45 nm default plug-ins (docs/simulator.md §2.2)';
const accelergy: Record<string, EnergyConstant> = {
  mac8: { value: 0.315, unit: 'pJ per 8-bit mult + 16-bit add', source: `${ACC}, intmac library` },
  gated: { value: 0.018, unit: 'pJ per gated/skipped MAC', source: 'Accelergy STC design int8 MAC, gated action' },
  glbRead: {
    value: 32.4,
    unit: 'pJ per 64-bit read, 128 kB global buffer',
    source: `${ACC}, SRAM 16384x64 b, 32 banks`,
  },
  dram: { value: 8, unit: 'pJ per bit, LPDDR4', source: `${ACC}, CACTI DRAM plug-in` },
};

const EYE = 'Chen et al., Eyeriss, ISCA 2016, 65 nm, normalised to one MAC';
const eyeriss: Record<string, EnergyConstant> = {
  mac: { value: 1, unit: 'MAC', source: EYE },
  glb: { value: 6, unit: 'MAC per 16-bit global-buffer access', source: EYE },
  dram: { value: 200, unit: 'MAC per 16-bit DRAM access', source: EYE },
};

const c = (t: Record<string, EnergyConstant>, k: string): number => (t[k] as EnergyConstant).value;

export const energyModels: Record<EnergyPresetName, EnergyModel> = {
  horowitz45: {
    name: 'horowitz45',
    unit: 'pJ',
    mul: (bw, ba) => (c(horowitz, 'mul8') * bw * ba) / c(horowitz, 'mulScaling'),
    add: (bits) => (bits >= 24 ? c(horowitz, 'add32') : (c(horowitz, 'add8') * bits) / 8),
    gated: 0,
    sramPerBit: (bytes) => (c(horowitz, 'sram8k') * Math.pow(Math.max(bytes, 1) / 8192, c(horowitz, 'sramExp'))) / 64,
    dramPerBit: c(horowitz, 'dram'),
    constants: horowitz,
  },
  accelergy45: {
    name: 'accelergy45',
    unit: 'pJ',
    // MAC split [I]: the 0.315 pJ MAC scales with the operand-width product like §2.1's multiplier.
    mul: (bw, ba) => (c(accelergy, 'mac8') * bw * ba) / 64,
    add: () => 0,
    gated: c(accelergy, 'gated'),
    sramPerBit: () => c(accelergy, 'glbRead') / 64,
    dramPerBit: c(accelergy, 'dram'),
    constants: accelergy,
  },
  eyeriss: {
    name: 'eyeriss',
    unit: 'MAC-relative',
    mul: () => c(eyeriss, 'mac'),
    add: () => 0,
    gated: 0,
    sramPerBit: () => c(eyeriss, 'glb') / 16,
    dramPerBit: c(eyeriss, 'dram') / 16,
    constants: eyeriss,
  },
};

/** Energy of one layer from its action counts. */
export function layerEnergy(
  e: EnergyModel,
  x: {
    multiplications: number;
    additions: number;
    idleSlots: number;
    bw: number;
    ba: number;
    accBits: number;
    sram: { bytes: number; bufferBytes: number }[];
    dramBytes: number;
  },
): { compute: number; sram: number; dram: number; total: number } {
  const compute = x.multiplications * e.mul(x.bw, x.ba) + x.additions * e.add(x.accBits) + x.idleSlots * e.gated;
  let sram = 0;
  for (const s of x.sram) sram += s.bytes * 8 * e.sramPerBit(s.bufferBytes);
  const dram = x.dramBytes * 8 * e.dramPerBit;
  return { compute, sram, dram, total: compute + sram + dram };
}
