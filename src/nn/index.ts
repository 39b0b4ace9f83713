/**
 * hwsweep training engine (issue 3): datasets, model zoo, training loop, checkpoints, evaluation.
 *
 * Conventions: activations NHWC `[batch, h, w, c]`; conv kernels HWIO `[kh, kw, inC, outC]`,
 * depthwise `[kh, kw, inC, mult]`, dense `[inUnits, outUnits]`; plain typed arrays cross this API,
 * tensors are created and disposed inside. Models output logits `[batch, numClasses]`.
 *
 * ```ts
 * import { initBackend } from './backend/index.js'; // owned by nn-kernels
 * const data = await loadDataset('fashion-mnist', { trainSubset: 10_000 });
 * const model = createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed: 1 });
 * const { history } = await trainModel(model, data, {
 *   epochs: 10, batchSize: 64, optimizer: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 5e-4,
 *   schedule: { kind: 'cosine' }, seed: 1, evalEachEpoch: true,
 * }, { onEpochEnd: async (m, checkpoint) => store.put(checkpoint()) });
 * const { accuracy } = await evaluate(model, data.test);
 * ```
 *
 * Changes from the first sketch in the brief: `LrSchedule`'s `lr-tracking` takes `original`
 * (any non-tracking schedule) and an optional `originalLr`; `saveModelBytes(model)` /
 * `loadModelBytes(model, bytes)` hold every weight incl. BN statistics; `getAllWeights` /
 * `setAllWeights` expose biases and BN parameters by `layer/weight` name; `finalLr` gives the
 * constant fine-tuning baseline LR; `TrainOptions` gained optional Adam betas/epsilon and
 * `frozen` (INQ-style per-weight freezing); `TrainHooks.onBatchEnd` (heartbeats inside epochs);
 * `kernelGradients` (dL/dw per prunable kernel, e.g. for centroid fine-tuning).
 */
export type { Dataset, DatasetName, LoadDatasetOptions, Split } from './data/types.js';
export { DATASETS, DATASET_FACTS } from './data/types.js';
export { loadDataset } from './data/load.js';
export { makeSynthetic } from './data/synthetic.js';
export { decodeCifarBatch, CIFAR_RECORD_BYTES } from './data/cifar10.js';
export { epochOrder, miniBatches, type Batch } from './data/batches.js';

export { createModel, initWeights, initAllWeights, MODELS, type ModelName, type CreateModelOptions } from './models/zoo.js';
export { SUPPORTED_LAYERS, SUPPORTED_ACTIVATIONS, checkGeometry } from './models/support.js';
export { layerDescriptors, resolvePadding } from './models/descriptors.js';
export { prunableLayers, getWeights, setWeights, getAllWeights, setAllWeights, kernelShape, kernelOf } from './models/weights.js';

export type { EpochMetrics, EvalTransforms, Masks, TrainHooks, TrainOptions } from './train/types.js';
export { lrAt, finalLr, type LrSchedule, type BaseSchedule, type LrTracking } from './train/schedule.js';
export { trainModel } from './train/trainer.js';
export { evaluate, withTransforms } from './train/evaluate.js';
export { kernelGradients } from './train/gradients.js';
export { saveModelBytes, loadModelBytes, artifactProblem } from './train/checkpoint.js';
