/**
 * k-means clustering of non-zero weights and activations (METHODS §1.5, §5): 1-D k-means with
 * linear / k-means++ / density init, per-layer or per-output-channel codebooks, static and online
 * activation centroids, KCNN Mode W / Mode WA reference convolutions with operation counts, and bit
 * packing for compact storage. Code 0 is always the exact zero.
 *
 * ```ts
 * const t = clusterTensor(kernel, [3, 3, 16, 32], 16, { granularity: 'channel' });
 * const wq = decodeTensor(t);                    // clustered weights, same layout
 * ```
 */
export {
  KmeansInits,
  type KmeansInit,
  EmptyClusterRules,
  type EmptyClusterRule,
  type KmeansOptions,
  type KmeansResult,
  checkK,
  kmeans1d,
  kmeansSorted,
  boundaries,
  inertia,
} from './kmeans1d.js';
export { type SortedValues, sortedNonZero, radixSortF32, buildSorted, countAtMost } from './sorted-values.js';
export { midpoints, nearestIndex, assignCodes, decodeCodes, snapToCentroids } from './assign.js';
export {
  Granularities,
  type Granularity,
  type ClusteredTensor,
  clusterTensor,
  decodeTensor,
  maxKEff,
  codebookGradients,
} from './tensor.js';
export { ActivationModes, type ActivationMode, staticActivationCentroids, refineOnline } from './activations.js';
export {
  type ConvGeometry,
  type ClusteredKernel,
  type KcnnCounts,
  type KcnnResult,
  kcnnConvModeW,
  kcnnConvModeWA,
} from './kcnn-conv.js';
export { codeBits, packUnsigned, unpackUnsigned, packSigned, unpackSigned } from './bitpack.js';
export {
  type CompressedWeights,
  type CompressedActivation,
  type CompressedLayer,
  type CompressedModel,
  serializeCompressed,
  deserializeCompressed,
  decodeLayerWeights,
} from './compressed-model.js';
