/**
 * Dense systolic array in closed form: SCALE-Sim v2's COMPUTE_REPORT, DETAILED_ACCESS_REPORT SRAM
 * counts and its CALC-mode DRAM refetch behaviour (docs/simulator.md §1). No cycle loop: O(1) per GEMM.
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

/** docs/simulator.md §1 table: (Sr, Sc, T) per dataflow and the fold/cycle closed form. */
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
 * docs/simulator.md §1 DRAM refetch rule (reproduces v2 CALC mode when operands fit). Filter streams that
 * repeat a fixed address sequence (OS, IS) are computed exactly for v2's flush-every-A buffer by
 * {@link repeatedStreamMisses}; ifmap streams (overlapping windows) keep the §1 working-set test.
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
      // exact replay of v2's buffer for the filter stream (the §1 rule's `K·min(C,N) ≤ A` test ignores flushes)
      filterReads: osFilterDram(x.K, x.N, x.C, m.rf, x.filterActive),
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
    // IS streams the whole filter once per column fold in the same order: exact for v2's buffer
    filterReads: repeatedStreamMisses(Uf, m.cf, x.filterActive, 0).misses,
    ofmapWrites: m.rf * x.M * x.N,
  };
}

/**
 * Misses of SCALE-Sim v2's CALC-mode read buffer on a stream that repeats the same `W` distinct
 * addresses `passes` times, starting with `carry` insertions since the last flush. v2's
 * `read_buffer_estimate_bw` keeps every address inserted since the last flush and flushes
 * everything after `A` = 50·⌊bytes/100⌋ insertions, so the resident set is always one contiguous
 * run of stream positions; the pass is simulated run by run (O(1 + W/A) per pass).
 */
export function repeatedStreamMisses(
  W: number,
  passes: number,
  A: number,
  carry: number,
): { misses: number; carry: number } {
  let c = carry;
  let a = 0; // resident run [a, b) of stream positions
  let b = 0;
  let misses = 0;
  for (let p = 0; p < passes; p++) {
    let pos = 0;
    while (pos < W) {
      if (pos >= a && pos < b) {
        pos = b; // hits do not change the buffer
        continue;
      }
      const runEnd = pos < a ? a : W;
      const n = runEnd - pos;
      misses += n;
      if (n < A - c) {
        c += n;
        if (a >= b) [a, b] = [pos, runEnd];
        else if (runEnd === a) a = pos;
        else b = runEnd;
      } else {
        c = (n - (A - c)) % A;
        [a, b] = [runEnd - c, runEnd];
      }
      pos = runEnd;
    }
  }
  return { misses, carry: c };
}

/**
 * OS filter DRAM reads, exact for v2's CALC buffer: column fold j re-reads its K·cols_j filter
 * elements once per row fold; folds touch disjoint addresses.
 */
export function osFilterDram(K: number, N: number, C: number, rf: number, A: number): number {
  let carry = 0;
  let total = 0;
  for (let n0 = 0; n0 < N; n0 += C) {
    const r = repeatedStreamMisses(K * Math.min(C, N - n0), rf, A, carry);
    total += r.misses;
    carry = r.carry;
  }
  return total;
}

/** SCALE-Sim's active read-buffer size: 100 sets, half active, ⌊bytes/100⌋ items per set (1-byte words). */
export function scalesimActiveElems(bytes: number): number {
  return 50 * Math.floor(bytes / 100);
}
