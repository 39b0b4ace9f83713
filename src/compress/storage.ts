/**
 * Storage accounting (METHODS §1.6): bits needed to store a layer's weights in a given format,
 * per layer and per model, and compression ratios. Biases, BN parameters and per-layer scalars
 * (fractional lengths, bit widths) are not counted: weights only.
 *
 * A format is a value encoding (how one stored weight is written) combined with a sparsity
 * encoding (which weights are stored and how their positions are written), so combinations such
 * as balanced + 8-bit, KRP + 4-bit or clustered + pruned are one call.
 */
import { checkArg } from '../errors.js';
import { countKept } from './prune/mask.js';
import { checkBits, checkGroupSize, kernelDims, shapeSize } from './prune/params.js';

/** How one stored weight is written. */
export type ValueEncoding =
  | { kind: 'float32' }
  /** Signed fixed point of `bits` bits (2..32). */
  | { kind: 'fixed'; bits: number }
  /**
   * Cluster codes of `ceil(log2(clusters+1))` bits (code 0 = exact zero, §1.5), plus `codebooks`
   * codebooks (1 per layer, or outC for per-channel) of `clusters` entries of `codebookBits` (default 32).
   */
  | { kind: 'clustered'; clusters: number; codebookBits?: number; codebooks?: number };

/** Which weights are stored and how their positions are encoded. */
export type SparseEncoding =
  /** Every weight stored (pruned ones as zeros). */
  | { kind: 'dense' }
  /** GBP: kept weights + `ceil(log2 g)`-bit in-group position each; no per-group count (balanced). */
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
  /** KRP: per kernel `rowsKept*S` values + a row id of `ceil(log2 C(R, rowsKept))` bits (3x3, 1 row: 3 values + 2 bits). */
  | { kind: 'krp'; rowsKept?: number };

export interface StorageFormat {
  values: ValueEncoding;
  sparsity: SparseEncoding;
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

/** `ceil(log2 n)` for integers n >= 1 (0 for n = 1), exact. */
export function ceilLog2(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Bits of one stored value. */
export function valueWidth(v: ValueEncoding): number {
  const where = 'valueWidth';
  switch (v.kind) {
    case 'float32':
      return 32;
    case 'fixed':
      checkBits(where, v.bits);
      return v.bits;
    case 'clustered':
      checkArg(Number.isInteger(v.clusters) && v.clusters >= 1, where, 'clusters', v.clusters, 'an integer >= 1');
      return ceilLog2(v.clusters + 1);
  }
}

/** Short label of a format. */
export function describeFormat(f: StorageFormat): string {
  const v = f.values;
  const vs =
    v.kind === 'float32'
      ? 'fp32'
      : v.kind === 'fixed'
        ? `fixed${v.bits}`
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
              : `irregular(rel${s.indexBits ?? 4})`;
  return `${ss}+${vs}`;
}

/** Entries (kept + fillers) of a relative-index encoding of `mask` in flat order. */
function relativeEntries(mask: Uint8Array, indexBits: number): number {
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
 * @param shape weight shape: conv HWIO `[R, S, C, K]`, depthwise `[R, S, C, mult]`, dense `[C, K]`
 * @param format value + sparsity encoding
 * @param mask kept slots (1 = stored), same layout; required by `relative`; otherwise only its
 *   count is used (absent = all kept). A kept slot whose value is 0 is still stored (§1.1 item 4).
 */
export function layerStorage(shape: readonly number[], format: StorageFormat, mask?: Uint8Array): StorageBreakdown {
  const where = 'layerStorage';
  const N = shapeSize(shape);
  const { R, S, C, K } = kernelDims(where, N, shape);
  checkArg(
    mask === undefined || mask.length === N,
    where,
    'mask.length',
    mask?.length,
    `equal to the weight count ${N}`,
  );
  const vb = valueWidth(format.values);
  const nnz = mask ? countKept(mask) : N;
  let entries = nnz;
  let indexBits = 0;
  let countBits = 0;
  let valueBits: number;
  const s = format.sparsity;
  switch (s.kind) {
    case 'dense':
      entries = N;
      valueBits = N * vb;
      break;
    case 'balanced':
      checkGroupSize(where, s.groupSize);
      valueBits = nnz * vb;
      indexBits = nnz * ceilLog2(s.groupSize);
      break;
    case 'irregular':
      if (s.index === 'group-count') {
        checkGroupSize(where, s.groupSize);
        valueBits = nnz * vb;
        indexBits = nnz * ceilLog2(s.groupSize);
        countBits = R * S * K * Math.ceil(C / s.groupSize) * ceilLog2(s.groupSize + 1);
      } else {
        const ib = s.indexBits ?? 4;
        checkArg(Number.isInteger(ib) && ib >= 1 && ib <= 16, where, 'indexBits', ib, 'an integer in [1, 16]');
        checkArg(
          mask !== undefined,
          where,
          'mask',
          'undefined',
          'a mask (relative indices depend on the zero positions)',
        );
        entries = relativeEntries(mask, ib);
        valueBits = entries * vb;
        indexBits = entries * ib;
      }
      break;
    case 'filter':
      checkArg(Number.isInteger(s.channels) && s.channels >= 1, where, 'channels', s.channels, 'an integer >= 1');
      valueBits = nnz * vb;
      countBits = s.channels;
      break;
    case 'krp': {
      const rows = s.rowsKept ?? 1;
      checkArg(rows === 1 || rows === 2, where, 'rowsKept', rows, 'one of 1, 2');
      checkArg(
        shape.length === 4 && R > rows,
        where,
        'shape',
        `[${shape.join(',')}]`,
        `a rank-4 kernel with kernelH > rowsKept (${rows})`,
      );
      const kernels = C * K;
      entries = kernels * rows * S;
      valueBits = entries * vb;
      indexBits = kernels * ceilLog2(binomial(R, rows));
      break;
    }
  }
  let codebookBits = 0;
  if (format.values.kind === 'clustered') {
    const cb = format.values.codebookBits ?? 32;
    const books = format.values.codebooks ?? 1;
    checkBits(where, cb, 'codebookBits');
    checkArg(Number.isInteger(books) && books >= 1, where, 'codebooks', books, 'an integer >= 1');
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

/** One layer of a model-level storage account. */
export interface LayerStorageInput {
  name: string;
  shape: readonly number[];
  format: StorageFormat;
  mask?: Uint8Array;
}

export interface LayerStorageRow extends StorageBreakdown {
  name: string;
  weights: number;
  fp32Bits: number;
  /** `fp32Bits / totalBits`. */
  ratioVsFp32: number;
}

export interface ModelStorage {
  layers: LayerStorageRow[];
  weights: number;
  totalBits: number;
  /** Dense fp32: `32 * N`. */
  fp32Bits: number;
  ratioVsFp32: number;
  /** Dense `baselineBits`-bit storage of the same weights, when a baseline width was given. */
  baselineBits?: number;
  baselineTotalBits?: number;
  ratioVsBaseline?: number;
}

/**
 * Storage of a whole model, per layer and in total, with the compression ratio vs dense fp32 and
 * optionally vs a dense baseline of `baselineBits` bits per weight (e.g. 16 for M2's baseline).
 */
export function modelStorage(layers: readonly LayerStorageInput[], opts: { baselineBits?: number } = {}): ModelStorage {
  if (opts.baselineBits !== undefined) checkBits('modelStorage', opts.baselineBits, 'baselineBits');
  const rows = layers.map((l): LayerStorageRow => {
    const b = layerStorage(l.shape, l.format, l.mask);
    const weights = shapeSize(l.shape);
    return { name: l.name, weights, fp32Bits: 32 * weights, ratioVsFp32: (32 * weights) / b.totalBits, ...b };
  });
  const weights = rows.reduce((s, r) => s + r.weights, 0);
  const totalBits = rows.reduce((s, r) => s + r.totalBits, 0);
  const out: ModelStorage = {
    layers: rows,
    weights,
    totalBits,
    fp32Bits: 32 * weights,
    ratioVsFp32: (32 * weights) / totalBits,
  };
  if (opts.baselineBits !== undefined) {
    out.baselineBits = opts.baselineBits;
    out.baselineTotalBits = opts.baselineBits * weights;
    out.ratioVsBaseline = out.baselineTotalBits / totalBits;
  }
  return out;
}

/** `referenceBits / compressedBits` (how many times smaller). */
export function compressionRatio(compressedBits: number, referenceBits: number): number {
  checkArg(compressedBits > 0, 'compressionRatio', 'compressedBits', compressedBits, 'a number > 0');
  return referenceBits / compressedBits;
}
