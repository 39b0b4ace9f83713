/**
 * The one storage-bit model of hwsweep (docs/methods.md §1.6): how many bits a layer's weights take in a
 * given format. Both the compression accounting (src/compress/storage.ts: `trials.model_bytes`) and the
 * accelerator simulator (src/accel/storage.ts: `simulations` storage and DRAM traffic) call
 * {@link weightStorageBits}, so the same masks and format always give the same number.
 *
 * A format is a value encoding (how one stored weight is written) combined with a sparsity encoding (which
 * weights are stored and how their positions are written). New per-layer formats (e.g. power-of-two
 * weights) are one more member of {@link ValueEncoding} plus one case in {@link valueWidth}.
 */
import { checkArg } from '../errors.js';

/** How one stored weight is written. */
export type ValueEncoding =
  | { kind: 'float32' }
  /** Signed fixed point of `bits` bits (2..32). */
  | { kind: 'fixed'; bits: number }
  /** Powers of two (INQ / GSNQ, docs/methods.md §6.4): 0 or ±2^e, a sign bit and an exponent code in `bits` bits (2..16). */
  | { kind: 'pow2'; bits: number }
  /**
   * Cluster codes of `ceil(log2(clusters+1))` bits (code 0 = exact zero), plus `codebooks` codebooks
   * (1 per layer, or outC for per-channel) of `clusters` entries of `codebookBits` bits each
   * (default {@link DEFAULT_CODEBOOK_BITS}).
   */
  | { kind: 'clustered'; clusters: number; codebookBits?: number; codebooks?: number };

/** Which weights are stored and how their positions are encoded. */
export type SparseEncoding =
  /** Every weight stored (pruned ones as zeros). */
  | { kind: 'dense' }
  /** Group-balanced: kept weights + a `ceil(log2 g)`-bit in-group position each; no per-group count. */
  | { kind: 'balanced'; groupSize: number }
  /**
   * Irregular sparsity. `group-count`: kept weights + `ceil(log2 g)`-bit in-group position + a
   * `ceil(log2(g+1))`-bit count per vector group (groups = `R*S*K*ceil(C/g)`).
   * `relative` (Deep Compression): each entry stores the number of zeros skipped since the previous
   * entry in `indexBits` bits (default 4), walking the weights in flat layout order; a gap of `z`
   * zeros needs `floor(z / 2^indexBits)` filler entries (stored zeros).
   */
  | { kind: 'irregular'; index: 'group-count'; groupSize: number }
  | { kind: 'irregular'; index: 'relative'; indexBits?: number }
  /** Filter pruning: kept weights (whole channels removed) + a 1-bit kept flag per output channel. */
  | { kind: 'filter'; channels: number }
  /** Kernel rows: per kernel `rowsKept*S` values + a row id of `ceil(log2 C(R, rowsKept))` bits (3x3, 1 row: 3 values + 2 bits). */
  | { kind: 'krp'; rowsKept?: number };

export interface StorageFormat {
  values: ValueEncoding;
  sparsity: SparseEncoding;
}

/** Kernel dimensions: conv HWIO `[R, S, C, K]`, depthwise `[R, S, C, mult]` (K = mult), dense `[C, K]` (R = S = 1). */
export interface WeightDims {
  R: number;
  S: number;
  C: number;
  K: number;
}

export interface StorageBreakdown {
  /** Short label, e.g. `balanced(g=16)+fixed8`. */
  format: string;
  /** Entries written (kept weights, plus filler zeros for relative indices). */
  entries: number;
  valueBits: number;
  /** In-group positions, relative indices or row ids. */
  indexBits: number;
  /** Per-group counts (irregular group-count) or per-channel kept flags (filter). */
  countBits: number;
  codebookBits: number;
  totalBits: number;
}

/** Codebook entry width when a format does not say: fp32 centroids, as k-means produces them. */
export const DEFAULT_CODEBOOK_BITS = 32;
/** Relative-index width when a format does not say (Deep Compression's 4-bit gaps for conv layers). */
export const DEFAULT_RELATIVE_INDEX_BITS = 4;

/** `ceil(log2 n)` for integers n >= 1 (0 for n = 1), exact. */
export function ceilLog2(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

const intAtLeast = (v: number, lo: number): boolean => Number.isInteger(v) && v >= lo;

/** Bits of one stored value. */
export function valueWidth(v: ValueEncoding, where = 'valueWidth'): number {
  switch (v.kind) {
    case 'float32':
      return 32;
    case 'fixed':
      checkArg(intAtLeast(v.bits, 2) && v.bits <= 32, where, 'bits', v.bits, 'an integer in [2, 32]');
      return v.bits;
    case 'pow2':
      checkArg(intAtLeast(v.bits, 2) && v.bits <= 16, where, 'bits', v.bits, 'an integer in [2, 16]');
      return v.bits;
    case 'clustered':
      checkArg(intAtLeast(v.clusters, 1), where, 'clusters', v.clusters, 'an integer >= 1');
      return ceilLog2(v.clusters + 1);
  }
}

/** Short label of a format, e.g. `balanced(g=16)+fixed8`. */
export function describeFormat(f: StorageFormat): string {
  const v = f.values;
  const vs =
    v.kind === 'float32'
      ? 'fp32'
      : v.kind === 'fixed' || v.kind === 'pow2'
        ? `${v.kind}${v.bits}`
        : `clustered(K=${v.clusters}${(v.codebooks ?? 1) > 1 ? `x${v.codebooks}` : ''})`;
  const s = f.sparsity;
  const ss =
    s.kind === 'dense'
      ? 'dense'
      : s.kind === 'balanced'
        ? `balanced(g=${s.groupSize})`
        : s.kind === 'krp'
          ? `krp(rows=${s.rowsKept ?? 1})`
          : s.kind === 'filter'
            ? 'filter'
            : s.index === 'group-count'
              ? `irregular(g=${s.groupSize},count)`
              : `irregular(rel${s.indexBits ?? DEFAULT_RELATIVE_INDEX_BITS})`;
  return `${ss}+${vs}`;
}

/** Entries (kept + fillers) of a relative-index encoding of `mask` in flat order (one O(N) walk). */
export function relativeIndexEntries(mask: Uint8Array, indexBits: number): number {
  const span = 2 ** indexBits;
  let entries = 0;
  let gap = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      entries += 1 + Math.floor(gap / span);
      gap = 0;
    } else gap++;
  }
  return entries;
}

/**
 * Storage bits of one layer's weights.
 * @param dims kernel dimensions (N = R·S·C·K weights)
 * @param format value + sparsity encoding
 * @param kept `nnz` kept slots (a kept slot whose value is 0 is still stored); `mask` (1 = stored, weight
 *   layout) is needed by the `relative` index only, unless `relativeEntries` gives {@link relativeIndexEntries}
 *   of it for the format's index width (callers that cache it)
 * @param where caller name for error messages
 */
export function weightStorageBits(
  dims: WeightDims,
  format: StorageFormat,
  kept: { nnz: number; mask?: Uint8Array | undefined; relativeEntries?: number | undefined },
  where = 'weightStorageBits',
): StorageBreakdown {
  const { R, S, C, K } = dims;
  const N = R * S * C * K;
  const vb = valueWidth(format.values);
  const nnz = kept.nnz;
  let entries = nnz;
  let indexBits = 0;
  let countBits = 0;
  let valueBits: number;
  const s = format.sparsity;
  const group = (g: number): void => checkArg(intAtLeast(g, 1), where, 'groupSize', g, 'an integer >= 1');
  switch (s.kind) {
    case 'dense':
      entries = N;
      valueBits = N * vb;
      break;
    case 'balanced':
      group(s.groupSize);
      valueBits = nnz * vb;
      indexBits = nnz * ceilLog2(s.groupSize);
      break;
    case 'irregular':
      if (s.index === 'group-count') {
        group(s.groupSize);
        valueBits = nnz * vb;
        indexBits = nnz * ceilLog2(s.groupSize);
        countBits = R * S * K * Math.ceil(C / s.groupSize) * ceilLog2(s.groupSize + 1);
      } else {
        const ib = s.indexBits ?? DEFAULT_RELATIVE_INDEX_BITS;
        checkArg(Number.isInteger(ib) && ib >= 1 && ib <= 16, where, 'indexBits', ib, 'an integer in [1, 16]');
        const mask = kept.mask;
        checkArg(
          mask !== undefined || kept.relativeEntries !== undefined,
          where,
          'mask',
          'undefined',
          'a mask (relative indices depend on the zero positions)',
        );
        entries = kept.relativeEntries ?? relativeIndexEntries(mask as Uint8Array, ib);
        valueBits = entries * vb;
        indexBits = entries * ib;
      }
      break;
    case 'filter':
      checkArg(intAtLeast(s.channels, 1), where, 'channels', s.channels, 'an integer >= 1');
      valueBits = nnz * vb;
      countBits = s.channels;
      break;
    case 'krp': {
      const rows = s.rowsKept ?? 1;
      checkArg(rows === 1 || rows === 2, where, 'rowsKept', rows, 'one of 1, 2');
      checkArg(R > rows, where, 'kernelH', R, `a kernel height > rowsKept (${rows})`);
      const kernels = C * K;
      entries = kernels * rows * S;
      valueBits = entries * vb;
      indexBits = kernels * ceilLog2(binomial(R, rows));
      break;
    }
  }
  let codebookBits = 0;
  if (format.values.kind === 'clustered') {
    const cb = format.values.codebookBits ?? DEFAULT_CODEBOOK_BITS;
    const books = format.values.codebooks ?? 1;
    checkArg(intAtLeast(cb, 2) && cb <= 32, where, 'codebookBits', cb, 'an integer in [2, 32]');
    checkArg(intAtLeast(books, 1), where, 'codebooks', books, 'an integer >= 1');
    codebookBits = books * format.values.clusters * cb;
  }
  return {
    format: describeFormat(format),
    entries,
    valueBits,
    indexBits,
    countBits,
    codebookBits,
    totalBits: valueBits + indexBits + countBits + codebookBits,
  };
}
