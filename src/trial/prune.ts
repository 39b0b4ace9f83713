import { pruneModel, type PruneConfig, type PruneResult } from '../compress/index.js';
import type { LayerDescriptor } from '../shared/layer.js';
import { prunedPerGroup, type TrialConfig } from '../spec/index.js';

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
 * The pruning config of step `step` (1-based) of a gradual schedule of `steps` rounds, with the previous masks
 * (their zeros stay zero, METHODS §1.2 step 6): magnitude prunes to `r·step/steps`; group-balanced removes
 * `p_t = ceil(t·p/T)` weights per group (§4.2 step 3) with `p = clamp(rna(r·g), 0, g−1)`.
 */
export function gradualStepConfig(t: TrialConfig, step: number, steps: number, prev: Map<string, Uint8Array> | undefined): PruneConfig | undefined {
  const cfg = pruneConfigFor(t);
  if (!cfg || steps <= 1) return cfg;
  if (prev) cfg.prevMasks = prev;
  if (cfg.method === 'magnitude') cfg.ratio = (cfg.ratio * step) / steps;
  if (cfg.method === 'group-balanced') {
    const g = cfg.groupSize ?? 16;
    const p = prunedPerGroup(cfg.ratio, g);
    cfg.keep = g - Math.ceil((step * p) / steps);
  }
  return cfg;
}

/** Whether the trial prunes in several rounds, each followed by retraining. */
export function gradualSteps(t: TrialConfig): number {
  return t.schedule === 'gradual' && (t.method === 'magnitude' || t.method === 'group-balanced') ? Math.max(1, t.scheduleSteps ?? 3) : 1;
}

/**
 * Prunes a trained network for a trial. Magnitude pruning with `fcPolicy: dense` skips the FC layers by name.
 * @param weights kernels by layer name, layouts of `LayerDescriptor.weightShape`
 */
export function pruneForTrial(
  t: TrialConfig,
  layers: LayerDescriptor[],
  weights: Map<string, Float32Array>,
  cfgOverride?: PruneConfig,
): PruneResult | undefined {
  const cfg = cfgOverride ?? pruneConfigFor(t);
  if (!cfg) return undefined;
  if (cfg.method === 'magnitude' && t.fcPolicy === 'dense') cfg.skip = layers.filter((l) => l.kind === 'fc').map((l) => l.name);
  return pruneModel({ layers, weights }, cfg);
}
