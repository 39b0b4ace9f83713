/**
 * hwsweep compression library: pure functions over weights (typed arrays, HWIO kernels).
 * No Temporal, Prisma or services code; tfjs integration lives in `./model.ts`.
 *
 * - `prune/`: masks for magnitude, group-balanced, kernel-row and filter pruning (+ `pruneModel`);
 * - `quantize/`: fixed point, KL / max / percentile thresholds, FL search, power-of-two;
 * - `cluster/`: 1-D k-means of non-zero values, KCNN reference convolutions;
 * - `storage`: bits per layer / model for every format, compression ratios;
 * - `bn-fold`: BatchNorm folding.
 *
 * ```ts
 * const { masks, report } = pruneModel({ layers, weights }, { method: 'group-balanced', ratio: 0.75, groupSize: 16 });
 * const bits = modelStorage(layers.map((l) => ({ name: l.name, shape: l.weightShape, mask: masks.get(l.name),
 *   format: { values: { kind: 'fixed', bits: 8 }, sparsity: { kind: 'balanced', groupSize: 16 } } })));
 * ```
 */
export * from './prune/index.js';
export * from './quantize/index.js';
export * from './cluster/index.js';
export * from './storage.js';
export * from './bn-fold.js';
export * from './prune-storage.js';
