/**
 * Dense systolic array in closed form: SCALE-Sim v2's COMPUTE_REPORT, DETAILED_ACCESS_REPORT SRAM
 * counts and its CALC-mode DRAM refetch behaviour (SIMULATOR §1). No cycle loop: O(1) per GEMM.
 */
import type { Dataflow } from './types.js';

/** Spatial/temporal mapping of one GEMM `[M, K] × [K, N]` on an R×C array. */
export interface SystolicMapping {
  Sr: number;
  Sc: number;
  T: number;
  rf: number;
  cf: number;
  folds: number;
  /** Cycles per fold. */
  P: number;
  /** folds·P − 1 (SCALE-Sim "Total Cycles" in CALC mode). */
  cycles: number;
  mappingEfficiencyPct: number;
  computeUtilPct: number;
}

/** SIMULATOR §1 table: (Sr, Sc, T) per dataflow and the fold/cycle closed form. */
export function mapGemm(M: number, K: number, N: number, R: number, C: number, df: Dataflow): SystolicMapping {
  const [Sr, Sc, T] = df === 'os' ? [M, N, K] : df === 'ws' ? [K, N, M] : [K, M, N];
  const rf = Math.ceil(Sr / R);
  const cf = Math.ceil(Sc / C);
  const folds = rf * cf;
  const P = df === 'os' ? T + R + C - 2 : 2 * R + C + T - 2;
  const c = df === 'os' ? P : P + C - 1;
  const padded = rf * R * cf * C;
  return {
    Sr,
    Sc,
    T,
    rf,
    cf,
    folds,
    P,
    cycles: folds * P - 1,
    mappingEfficiencyPct: (100 * Sr * Sc) / padded,
    computeUtilPct: (100 * Sr * Sc * T) / (padded * c),
  };
}

/** SRAM access counts in elements (DETAILED_ACCESS_REPORT), including v2's OS ofmap book-keeping quirk. */
export function sramCounts(
  M: number,
  K: number,
  N: number,
  m: SystolicMapping,
  df: Dataflow,
  R: number,
  C: number,
): { ifmapReads: number; filterReads: number; ofmapWrites: number } {
  if (df === 'os')
    return { ifmapReads: m.cf * M * K, filterReads: m.rf * K * N, ofmapWrites: M * N + m.folds * (R + C) };
  if (df === 'ws') return { ifmapReads: m.cf * M * K, filterReads: K * N, ofmapWrites: m.rf * M * N };
  return { ifmapReads: M * K, filterReads: m.cf * K * N, ofmapWrites: m.rf * M * N };
}

/** Inputs of the DRAM refetch rule (all in elements). */
export interface RefetchInput {
  /** Distinct ifmap elements touched by the windows. */
  Ui: number;
  K: number;
  N: number;
  M: number;
  /** Filter taps Fh·Fw. */
  taps: number;
  /** Active read-buffer capacity in elements for ifmap / filter. */
  ifmapActive: number;
  filterActive: number;
  C: number;
}

/**
 * SIMULATOR §1 DRAM refetch rule (reproduces v2 CALC mode when operands fit; −4 % on ResNet-50 with
 * 64 kB buffers per the spec's measurement). IS-filter refetch uses `U_f ≤ A` (our reading, [I]).
 */
export function dramRefetch(
  x: RefetchInput,
  m: SystolicMapping,
  df: Dataflow,
): { ifmapReads: number; filterReads: number; ofmapWrites: number } {
  const Uf = x.K * x.N;
  if (df === 'os') {
    return {
      ifmapReads: x.Ui <= x.ifmapActive ? x.Ui : m.cf * x.Ui,
      filterReads: x.K * Math.min(x.C, x.N) <= x.filterActive ? Uf : m.rf * Uf,
      ofmapWrites: x.M * x.N,
    };
  }
  if (df === 'ws') {
    return {
      ifmapReads: x.Ui <= x.ifmapActive ? x.Ui : m.cf * Math.min(m.rf, x.taps) * x.Ui,
      filterReads: Uf,
      ofmapWrites: m.rf * x.M * x.N,
    };
  }
  return {
    ifmapReads: x.Ui,
    filterReads: Uf <= x.filterActive ? Uf : m.cf * Uf,
    ofmapWrites: m.rf * x.M * x.N,
  };
}

/** SCALE-Sim's active read-buffer size: 100 sets, half active, ⌊bytes/100⌋ items per set (1-byte words). */
export function scalesimActiveElems(bytes: number): number {
  return 50 * Math.floor(bytes / 100);
}
