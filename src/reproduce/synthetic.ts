/**
 * Synthetic compression artefacts for the reproduction report: the papers' trained ImageNet weights are not
 * available offline, so weights are iid N(0, 1) draws from a seeded generator and masks come from the library's
 * own pruners run on them. For iid weights, magnitude pruning keeps a uniformly random subset, which is what a
 * Bernoulli mask gives for the large FC layers (kept out of memory: VGG-16's fc6 alone has 103 M weights).
 */
import { pruneModel, sparsityFor, type PruneConfig, type PruneResult } from '../compress/index.js';
import type { LayerCompression } from '../accel/index.js';
import { weightCount, type LayerDescriptor } from '../shared/layer.js';
import { Rng } from '../shared/rng.js';

/** iid N(0, 1) weights per layer (seeded). */
export function syntheticWeights(layers: LayerDescriptor[], seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  return new Map(
    layers.map((l) => {
      const w = new Float32Array(weightCount(l));
      for (let i = 0; i < w.length; i++) w[i] = rng.normal();
      return [l.name, w] as const;
    }),
  );
}

/** The library's pruner on synthetic weights of `layers` (call it with the layers small enough to hold). */
export function pruneSynthetic(layers: LayerDescriptor[], cfg: PruneConfig, seed: number): PruneResult {
  return pruneModel({ layers, weights: syntheticWeights(layers, seed) }, cfg);
}

/** Each weight kept with probability `keep` (magnitude pruning of iid weights, in distribution). */
export function bernoulliMask(n: number, keep: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = rng.next() < keep ? 1 : 0;
  return m;
}

/** Simulator input for a pruning result: each layer's mask plus the storage encoding its pruner implies. */
export function pruneCompression(
  layers: LayerDescriptor[],
  pruned: PruneResult,
  extra: Omit<LayerCompression, 'mask' | 'sparsity'> = {},
): Map<string, LayerCompression> {
  const reports = new Map(pruned.report.layers.map((r) => [r.name, r]));
  const out = new Map<string, LayerCompression>();
  for (const l of layers) {
    const mask = pruned.masks.get(l.name);
    const r = reports.get(l.name);
    out.set(l.name, { ...extra, ...(mask && r ? { mask, sparsity: sparsityFor(l, r) } : {}) });
  }
  return out;
}
