/** Dataset types shared by the loaders, the batcher and the training loop. */

import type { DatasetName } from '../../shared/datasets.js';

export { DATASETS, DATASET_FACTS, type DatasetName } from '../../shared/datasets.js';

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
