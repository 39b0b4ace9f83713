import { pruneModel, type PruneConfig, type PruneResult } from '../compress/index.js';
import type { LayerDescriptor } from '../shared/layer.js';
import type { TrialConfig } from '../spec/index.js';

/**
 * The compression library's pruning config for a trial, or undefined for `method: none`.
 * FC layers: `fcPolicy: dense` leaves them unpruned; kernel-row prunes FC layers by magnitude at `fcRatio`.
 */
export function pruneConfigFor(t: TrialConfig): PruneConfig | undefined {
  const ratio = t.pruneRatio ?? 0;
  const fcDense = t.fcPolicy === 'dense';
  switch (t.method) {
    case 'none':
      return undefined;
    case 'magnitude':
      return { method: 'magnitude', ratio };
    case 'group-balanced':
      return {
        method: 'group-balanced',
        ratio,
        groupSize: t.groupSize ?? 16,
        groupShape: t.groupShape ?? 'vector',
        partial: t.partial ?? 'pad',
        fcPolicy: fcDense ? 'dense' : 'group',
        firstLayerPolicy: t.narrowConvs === 'flat' ? 'flat' : 'skip',
      };
    case 'kernel-row':
      return { method: 'kernel-row', ratio: t.fcRatio ?? 0, rowsKept: t.rowsKept ?? 1, fcRatio: fcDense ? 0 : (t.fcRatio ?? 0) };
    case 'filter':
      return { method: 'filter', ratio, includeFc: !fcDense };
  }
}

/**
 * Prunes a trained network for a trial. Magnitude pruning with `fcPolicy: dense` skips the FC layers by name.
 * @param weights kernels by layer name, layouts of `LayerDescriptor.weightShape`
 */
export function pruneForTrial(t: TrialConfig, layers: LayerDescriptor[], weights: Map<string, Float32Array>): PruneResult | undefined {
  const cfg = pruneConfigFor(t);
  if (!cfg) return undefined;
  if (cfg.method === 'magnitude' && t.fcPolicy === 'dense') cfg.skip = layers.filter((l) => l.kind === 'fc').map((l) => l.name);
  return pruneModel({ layers, weights }, cfg);
}
