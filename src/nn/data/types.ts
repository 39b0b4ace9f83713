/** Dataset types shared by the loaders, the batcher and the training loop. */

export const DatasetNames = ['fashion-mnist', 'mnist', 'cifar10', 'synthetic'] as const;
export type DatasetName = (typeof DatasetNames)[number];

/**
 * Per-image shape `[h, w, c]` and class count of each dataset as `loadDataset` returns it (synthetic: its
 * defaults). Lets a spec check a model file against its datasets without loading any images.
 */
export const DATASET_GEOMETRY: Readonly<Record<DatasetName, { shape: [number, number, number]; numClasses: number }>> = {
  'fashion-mnist': { shape: [28, 28, 1], numClasses: 10 },
  mnist: { shape: [28, 28, 1], numClasses: 10 },
  cifar10: { shape: [32, 32, 3], numClasses: 10 },
  synthetic: { shape: [16, 16, 1], numClasses: 4 },
};

/**
 * One split held in memory.
 * `x`: images, shape `[n, h, w, c]` row-major (NHWC), float32 in `[0, 1]`.
 * `y`: class labels, shape `[n]`, values in `[0, numClasses)`.
 */
export interface Split {
  x: Float32Array;
  y: Uint8Array;
  n: number;
}

/** A loaded dataset; `shape` is the per-image `[h, w, c]`. */
export interface Dataset {
  name: DatasetName;
  shape: [number, number, number];
  numClasses: number;
  train: Split;
  test: Split;
}

export interface LoadDatasetOptions {
  /** Directory holding the dataset files (required for `cifar10`: the `cifar-10-batches-bin` folder). */
  path?: string;
  /** Keep only this many training images (a seeded, class-mixed random subset). Default: all. */
  trainSubset?: number;
  /** Keep only this many test images (seeded random subset). Default: all. */
  testSubset?: number;
  /** Seed for subset selection and for the synthetic set. Default 0. */
  seed?: number;
  /** Synthetic set only: images per split and image shape. Defaults: 1024 train, 256 test, `[16, 16, 1]`, 4 classes. */
  synthetic?: { train?: number; test?: number; shape?: [number, number, number]; numClasses?: number };
}
