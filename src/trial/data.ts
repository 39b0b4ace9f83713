import type * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../errors.js';
import { buildFileModel, decodeModelFiles, type ModelFiles } from '../nn/io/index.js';
import {
  checkGeometry,
  createModel,
  initAllWeights,
  loadDataset,
  type Dataset,
  type LrSchedule,
  type ModelName,
} from '../nn/index.js';
import type { BaselineRecipe, DataConfig, DatasetName, ModelFileRef } from '../spec/index.js';

/** What identifies a baseline's data and network (a subset of TrialConfig). */
export interface ModelDataRef {
  /** Zoo model name, or the label of a model file (then `modelFile` is set). */
  model: string;
  width: number;
  dataset: DatasetName;
  seed: number;
  data: DataConfig;
  /** The user-supplied network; null / absent for a zoo model. */
  modelFile?: ModelFileRef | null;
}

/** Reads a stored model file by its sha256 (the bytes of `encodeModelFiles`), undefined when absent. */
export type ModelFileSource = (sha256: string) => Promise<Uint8Array | undefined>;

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

/** Model files decoded once per process (by content hash); each trial builds its own tfjs model from them. */
const files = new Map<string, Promise<ModelFiles>>();

function modelFiles(ref: ModelFileRef, source: ModelFileSource): Promise<ModelFiles> {
  let p = files.get(ref.sha256);
  if (!p) {
    p = source(ref.sha256).then((bytes) => {
      if (!bytes) {
        throw new HwsweepError(
          'MODEL_NOT_FOUND',
          `model file ${ref.path} (sha256 ${ref.sha256}) is not in the artifact store`,
          {
            context: { sha256: ref.sha256 },
            hint: 'launch stores model files; relaunch the sweep from a machine that has the file',
          },
        );
      }
      return decodeModelFiles(bytes);
    });
    p.catch(() => files.delete(ref.sha256));
    files.set(ref.sha256, p);
  }
  return p;
}

/**
 * A fresh network for the reference; the caller disposes it. Zoo models are built and initialised from the seed.
 * A model file is built from its stored copy (`source`, keyed by sha256), checked against the dataset's image
 * shape and class count, and keeps its weights when `pretrained`, else starts from a seeded init (`initAllWeights`).
 * @throws HwsweepError SHAPE_MISMATCH when the model file does not fit the dataset; MODEL_NOT_FOUND when no copy is stored
 */
export async function trialModel(
  ref: ModelDataRef,
  data: Pick<Dataset, 'name' | 'shape' | 'numClasses'>,
  source?: ModelFileSource,
): Promise<tf.LayersModel> {
  const file = ref.modelFile ?? null;
  if (file === null) {
    return createModel({
      name: ref.model as ModelName,
      width: ref.width,
      inputShape: data.shape,
      numClasses: data.numClasses,
      seed: ref.seed,
    });
  }
  if (!source) throw new HwsweepError('MODEL_NOT_FOUND', `model file ${file.path}: no model store to read it from`);
  const built = await buildFileModel(await modelFiles(file, source), `model "${ref.model}"`);
  try {
    checkGeometry(built, { name: data.name, shape: data.shape, numClasses: data.numClasses }, `model "${ref.model}"`);
  } catch (err) {
    built.model.dispose();
    throw err;
  }
  if (!file.pretrained) initAllWeights(built.model, ref.seed);
  return built.model;
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
