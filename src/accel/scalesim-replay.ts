/**
 * Slow reference (validation only, O(SRAM reads)): a re-implementation of SCALE-Sim v2's CALC-mode DRAM accounting
 * (operand address matrices, per-fold skewed demand order, and the 100-set estimate read buffer of
 * `read_buffer_estimate_bw.py`), used to check the closed-form refetch rule of docs/simulator.md §1.
 * Only the order of valid addresses matters for the counts, so cycles are not modelled.
 */
import type { Dataflow } from './types.js';

export interface ReplayLayer {
  H: number;
  W: number;
  Fh: number;
  Fw: number;
  C: number;
  N: number;
  Sh: number;
  Sw: number;
}

/**
 * v2's estimate read buffer: misses = DRAM reads. The buffer keeps every address inserted since the
 * last flush and flushes after each A = 50·⌊bytes/100⌋ insertions (100 sets of ⌊bytes/100⌋, half
 * active), so "hit" = inserted in the current flush epoch; one Int32 epoch per address.
 */
class EstimateBuffer {
  private readonly A: number;
  private readonly epochOf: Int32Array;
  misses = 0;

  constructor(bytes: number, addressSpace: number) {
    this.A = 50 * Math.floor(bytes / 100);
    this.epochOf = new Int32Array(addressSpace).fill(-1);
  }

  read(addr: number): void {
    const epoch = Math.floor(this.misses / this.A);
    if (this.epochOf[addr] === epoch) return;
    this.epochOf[addr] = epoch;
    this.misses++;
  }
}

function ifmapAddr(l: ReplayLayer, F: number, i: number, j: number): number {
  const iRow = Math.floor(i / F) * l.Sh;
  const iCol = (i % F) * l.Sw;
  const cRow = Math.floor(j / (l.Fw * l.C));
  const k = j % (l.Fw * l.C);
  const cCol = Math.floor(k / l.C);
  const ch = k % l.C;
  if (cRow + iRow >= l.H || cCol + iCol >= l.W) return -1;
  return ((iRow + cRow) * l.W + iCol + cCol) * l.C + ch;
}

/**
 * DRAM ifmap / filter reads of one layer as v2 counts them in CALC mode (1-byte words).
 * `sramBytes` = [ifmap, filter] buffer sizes.
 */
export function replayDram(l: ReplayLayer, R: number, Cc: number, df: Dataflow, sramBytes: [number, number]) {
  const E = Math.ceil((l.H - l.Fh + l.Sh) / l.Sh);
  const F = Math.ceil((l.W - l.Fw + l.Sw) / l.Sw);
  const M = E * F;
  const K = l.Fh * l.Fw * l.C;
  const N = l.N;
  const ifb = new EstimateBuffer(sramBytes[0], l.H * l.W * l.C);
  const flb = new EstimateBuffer(sramBytes[1], K * N);
  const filterAddr = (k: number, n: number): number => n * K + k; // v2 adds a 10 000 000 offset
  // Streams a fold's operand slice `rows × cols` (value(r, c), -1 = idle) in skewed order.
  const stream = (buf: EstimateBuffer, rows: number, cols: number, value: (r: number, c: number) => number): void => {
    for (let L = 0; L < rows + cols - 1; L++)
      for (let c = 0; c < cols; c++) {
        const r = L - c;
        if (r < 0 || r >= rows) continue;
        const a = value(r, c);
        if (a >= 0) buf.read(a);
      }
  };
  if (df === 'ws') {
    const rf = Math.ceil(K / R);
    const cf = Math.ceil(N / Cc);
    for (let fc = 0; fc < cf; fc++)
      for (let fr = 0; fr < rf; fr++) {
        const k0 = fr * R;
        const k1 = Math.min(k0 + R, K);
        // prefix of R idle rows, then M rows of the operand slice, then idle rows: idle rows issue nothing
        stream(ifb, R + M, R, (r, c) => (r < R || k0 + c >= k1 ? -1 : ifmapAddr(l, F, r - R, k0 + c)));
        const n0 = fc * Cc;
        const n1 = Math.min(n0 + Cc, N);
        // filters are loaded unskewed, bottom row first
        for (let r = k1 - 1; r >= k0; r--) for (let n = n0; n < n1; n++) flb.read(filterAddr(r, n));
      }
  } else if (df === 'os') {
    const rf = Math.ceil(M / R);
    const cf = Math.ceil(N / Cc);
    for (let fc = 0; fc < cf; fc++)
      for (let fr = 0; fr < rf; fr++) {
        const m0 = fr * R;
        const m1 = Math.min(m0 + R, M);
        const n0 = fc * Cc;
        const n1 = Math.min(n0 + Cc, N);
        // ifmap and filter demands are interleaved per cycle in v2; they use separate buffers, so order per buffer suffices
        stream(ifb, K, R, (t, c) => (m0 + c >= m1 ? -1 : ifmapAddr(l, F, m0 + c, t)));
        stream(flb, K, Cc, (t, c) => (n0 + c >= n1 ? -1 : filterAddr(t, n0 + c)));
      }
  } else {
    // IS: ifmap stationary (K×M slices, rows loaded bottom first, unskewed); filter streamed skewed (N × K slice).
    const rf = Math.ceil(K / R);
    const cf = Math.ceil(M / Cc);
    for (let fc = 0; fc < cf; fc++)
      for (let fr = 0; fr < rf; fr++) {
        const k0 = fr * R;
        const k1 = Math.min(k0 + R, K);
        const m0 = fc * Cc;
        const m1 = Math.min(m0 + Cc, M);
        for (let k = k1 - 1; k >= k0; k--)
          for (let m = m0; m < m1; m++) {
            const a = ifmapAddr(l, F, m, k);
            if (a >= 0) ifb.read(a);
          }
        stream(flb, R + N, R, (r, c) => (r < R || k0 + c >= k1 ? -1 : filterAddr(k0 + c, r - R)));
      }
  }
  return { ifmapReads: ifb.misses, filterReads: flb.misses };
}
