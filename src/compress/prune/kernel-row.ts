/**
 * Kernel-row pruning (KRP, METHODS §6.2): every `R x S` kernel `(c, k)` keeps its `rowsKept` rows
 * with the largest L1 norm `L_i = Σ_j |W[i, j, c, k]|` (ties: lower row index kept).
 */
import { HwsweepError, checkArg } from '../../errors.js';
import { countKept } from './mask.js';
import { kernelDims } from './params.js';

export interface KrpOptions {
  /** Rows kept per kernel, 1 (the paper) or 2. @default 1 */
  rowsKept?: number;
}

export interface KrpResult {
  /** Same length/layout as the weights, 1 = kept. */
  mask: Uint8Array;
  /**
   * Kept rows per kernel as a bit set (bit i = kernel row i kept), indexed `c*K + k`
   * (the last two HWIO axes, i.e. input channel major). What the hardware stores as the row id.
   */
  keptRows: Uint32Array;
  rowsKept: number;
  /** Kernels `C*K` (depthwise: `C*mult`). */
  kernels: number;
  kept: number;
  total: number;
  /** `1 - kept/total`; `(R - rowsKept)/R` for every kernel size. */
  achievedRatio: number;
}

/**
 * Computes the KRP mask of a conv or depthwise kernel.
 * @param w kernel, conv HWIO `[R, S, C, K]` or depthwise `[R, S, C, mult]`, with `2 <= R <= 32`
 * @param shape rank-4 shape
 */
export function kernelRowMask(w: Float32Array, shape: readonly number[], opts: KrpOptions = {}): KrpResult {
  const where = 'kernelRowMask';
  const rowsKept = opts.rowsKept ?? 1;
  checkArg(rowsKept === 1 || rowsKept === 2, where, 'rowsKept', rowsKept, 'one of 1, 2');
  checkArg(shape.length === 4, where, 'shape', `[${shape.join(',')}]`, 'a rank-4 kernel [kh, kw, inC, outC]');
  const { R, S, C, K } = kernelDims(where, w.length, shape);
  checkArg(R >= 2 && R <= 32, where, 'kernelH', R, 'an integer in [2, 32] (a 1-row kernel cannot be row-pruned)');
  const CK = C * K;
  const scores = new Float64Array(R * CK);
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < S; j++) {
      const base = (i * S + j) * CK;
      for (let ck = 0; ck < CK; ck++) {
        const a = Math.abs(w[base + ck] as number);
        if (a !== a)
          throw new HwsweepError('INVALID_ARGUMENT', `${where}: weights contain NaN (allowed: finite numbers)`);
        scores[i * CK + ck] = (scores[i * CK + ck] as number) + a;
      }
    }
  }
  const keptRows = new Uint32Array(CK);
  const keepN = Math.min(rowsKept, R);
  for (let ck = 0; ck < CK; ck++) {
    let bits = 0;
    for (let r = 0; r < keepN; r++) {
      let best = -1;
      let bv = -Infinity;
      for (let i = 0; i < R; i++) {
        const v = scores[i * CK + ck] as number;
        if (!(bits & (1 << i)) && v > bv) {
          bv = v;
          best = i;
        }
      }
      bits |= 1 << best;
    }
    keptRows[ck] = bits >>> 0;
  }
  const mask = new Uint8Array(w.length);
  for (let i = 0; i < R; i++) {
    const bit = 1 << i;
    for (let j = 0; j < S; j++) {
      const base = (i * S + j) * CK;
      for (let ck = 0; ck < CK; ck++) mask[base + ck] = (keptRows[ck] as number) & bit ? 1 : 0;
    }
  }
  const kept = countKept(mask);
  return { mask, keptRows, rowsKept: keepN, kernels: CK, kept, total: w.length, achievedRatio: 1 - kept / w.length };
}
