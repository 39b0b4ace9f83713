import type * as tf from '@tensorflow/tfjs';
import { createModel, loadDataset, type Dataset, type LrSchedule } from '../nn/index.js';
import type { BaselineRecipe, DataConfig, ModelName, DatasetName } from '../spec/index.js';

/** What identifies a baseline's data and network (a subset of TrialConfig). */
export interface ModelDataRef {
  model: ModelName;
  width: number;
  dataset: DatasetName;
  seed: number;
  data: DataConfig;
}

const cache = new Map<string, Promise<Dataset>>();

/** Loads (once per process) the dataset a trial uses: same subsets and seed ⇒ the same images. */
export function trialDataset(ref: ModelDataRef): Promise<Dataset> {
  const key = JSON.stringify([ref.dataset, ref.data.trainSubset, ref.data.testSubset, ref.data.path, ref.seed]);
  let p = cache.get(key);
  if (!p) {
    p = loadDataset(ref.dataset, {
      seed: ref.seed,
      ...(ref.data.trainSubset !== null ? { trainSubset: ref.data.trainSubset } : {}),
      ...(ref.data.testSubset !== null ? { testSubset: ref.data.testSubset } : {}),
      ...(ref.data.path !== null ? { path: ref.data.path } : {}),
    });
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** A fresh, seeded network for the reference; the caller disposes it. */
export function trialModel(ref: ModelDataRef, data: Dataset): tf.LayersModel {
  return createModel({ name: ref.model, width: ref.width, inputShape: data.shape, numClasses: data.numClasses, seed: ref.seed });
}

/** The spec's baseline schedule in the training engine's terms. */
export function baselineSchedule(r: BaselineRecipe): Exclude<LrSchedule, { kind: 'lr-tracking' }> {
  switch (r.schedule.type) {
    case 'step':
      return { kind: 'step', milestones: r.schedule.milestones, gamma: r.schedule.gamma };
    case 'cosine':
      return { kind: 'cosine' };
    case 'constant':
      return { kind: 'constant' };
  }
}
