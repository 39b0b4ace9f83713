/**
 * Storage accounting (METHODS §1.6): bits needed to store a layer's weights in a given format,
 * per layer and per model, and compression ratios. Biases, BN parameters and per-layer scalars
 * (fractional lengths, bit widths) are not counted: weights only.
 *
 * The bits of one layer come from the single storage-bit model in src/shared/storage-bits.ts, which the
 * accelerator simulator uses too; this module adds shape checks, model totals and ratios.
 */
import { checkArg } from '../errors.js';
import { weightStorageBits } from '../shared/storage-bits.js';
import type { StorageBreakdown, StorageFormat } from '../shared/storage-bits.js';
import { countKept } from './prune/mask.js';
import { checkBits, kernelDims, shapeSize } from './prune/params.js';

export type {
  SparseEncoding,
  StorageBreakdown,
  StorageFormat,
  ValueEncoding,
} from '../shared/storage-bits.js';
export { ceilLog2, describeFormat, valueWidth } from '../shared/storage-bits.js';

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
  const dims = kernelDims(where, N, shape);
  checkArg(
    mask === undefined || mask.length === N,
    where,
    'mask.length',
    mask?.length,
    `equal to the weight count ${N}`,
  );
  if (format.sparsity.kind === 'krp') {
    const rows = format.sparsity.rowsKept ?? 1;
    checkArg(
      shape.length === 4 && dims.R > rows,
      where,
      'shape',
      `[${shape.join(',')}]`,
      `a rank-4 kernel with kernelH > rowsKept (${rows})`,
    );
  }
  return weightStorageBits(dims, format, { nnz: mask ? countKept(mask) : N, mask }, where);
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
