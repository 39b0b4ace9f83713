/**
 * Storage of a pruned model: maps what each pruner applied to the storage format that hardware
 * would use for it (METHODS §1.6) and sums the bits.
 */
import type { LayerDescriptor } from '../shared/layer.js';
import type { LayerPruneReport, PruneResult } from './prune/prune-config.js';
import { modelStorage } from './storage.js';
import type { ModelStorage, SparseEncoding, StorageFormat, ValueEncoding } from './storage.js';

export interface PruneStorageOptions {
  /** Index scheme for unstructured (magnitude) layers. @default 'relative' (Deep Compression, 4-bit) */
  irregularIndex?: 'relative' | 'group-count';
  /** Group size of the `group-count` scheme. @default 16 */
  irregularGroupSize?: number;
  /** Bits per relative index. @default 4 */
  indexBits?: number;
  /** Dense baseline width for `ratioVsBaseline` (e.g. 16). */
  baselineBits?: number;
}

/**
 * Sparsity encoding for one pruned layer: GBP -> `balanced` (positions within `g`, or within the
 * `R*S*g` block), KRP -> `krp`, magnitude -> `irregular`, filter -> `filter`, skipped -> `dense`.
 */
export function sparsityFor(
  layer: LayerDescriptor,
  r: LayerPruneReport,
  opts: PruneStorageOptions = {},
): SparseEncoding {
  switch (r.applied) {
    case 'none':
      return { kind: 'dense' };
    case 'gbp-vector':
    case 'gbp-flat':
    case 'gbp-taps':
    case 'gbp-block':
      return { kind: 'balanced', groupSize: r.fullGroupSize ?? r.groupSize ?? 1 };
    case 'kernel-row':
      return { kind: 'krp', rowsKept: r.rowsKept ?? 1 };
    case 'filter':
      return { kind: 'filter', channels: layer.outC };
    case 'magnitude':
    case 'magnitude-global':
      return (opts.irregularIndex ?? 'relative') === 'relative'
        ? { kind: 'irregular', index: 'relative', indexBits: opts.indexBits ?? 4 }
        : { kind: 'irregular', index: 'group-count', groupSize: opts.irregularGroupSize ?? 16 };
  }
}

/**
 * Storage bits of a pruned model, per layer and in total, with ratios vs dense fp32 (and vs
 * `baselineBits` when given).
 * @param values value encoding for every layer, or a function choosing it per layer
 *   (e.g. 8-bit fixed point, or clustered codes with the layer's K)
 */
export function prunedModelStorage(
  layers: readonly LayerDescriptor[],
  pruned: PruneResult,
  values: ValueEncoding | ((layer: LayerDescriptor) => ValueEncoding),
  opts: PruneStorageOptions = {},
): ModelStorage {
  const reports = new Map(pruned.report.layers.map((r) => [r.name, r]));
  return modelStorage(
    layers.map((l) => {
      const r = reports.get(l.name);
      const format: StorageFormat = {
        values: typeof values === 'function' ? values(l) : values,
        sparsity: r ? sparsityFor(l, r, opts) : { kind: 'dense' },
      };
      const mask = pruned.masks.get(l.name);
      return { name: l.name, shape: l.weightShape, format, ...(mask ? { mask } : {}) };
    }),
    opts.baselineBits !== undefined ? { baselineBits: opts.baselineBits } : {},
  );
}
