import * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';
import { DATASET_FACTS, type DatasetName } from '../data/types.js';
import { checkBuilt, checkGeometry, checkTopology, toLogits } from '../models/support.js';
import { arrayBufferOf, readModelFiles, type ModelFiles } from './model-files.js';

/** A user-supplied network built by tfjs, ready to train or evaluate. The caller disposes `model`. */
export interface FileModel {
  /** Logits out (`[batch, numClasses]`), NHWC in. */
  model: tf.LayersModel;
  inputShape: [number, number, number];
  numClasses: number;
  /** The output layer whose softmax was removed, if any. */
  removedSoftmax: string | undefined;
}

/**
 * Builds a model file with tfjs, with the file's weights: checks every layer is supported (before tfjs sees it, so
 * an unsupported layer gets hwsweep's message, not tfjs's), removes a final softmax (`toLogits`), then checks
 * the input / output shapes.
 * @param where names the model in error messages (its path or name)
 */
export async function buildFileModel(files: ModelFiles, where: string): Promise<FileModel> {
  checkTopology(files.topology, where);
  const { topology, removedSoftmax } = toLogits(files.topology, where);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: files.weightSpecs,
        weightData: arrayBufferOf(files.weightData),
      }),
    );
  } catch (cause) {
    throw new HwsweepError('INVALID_ARGUMENT', `${where}: tfjs cannot build the model: ${(cause as Error).message}`, {
      context: { model: where },
      cause,
    });
  }
  try {
    return { model, ...checkBuilt(model, where), removedSoftmax };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * What a spec needs to know about a model file at launch: it reads, every layer is supported, and its input shape
 * and class count fit each dataset of the spec. Returns its content hash.
 * @throws HwsweepError naming the file and the first problem (unsupported layers are named all at once)
 */
export async function inspectModelFile(absPath: string, datasets: readonly DatasetName[]): Promise<{ sha256: string }> {
  const files = readModelFiles(absPath);
  const built = await buildFileModel(files, absPath);
  built.model.dispose();
  for (const d of datasets) checkGeometry(built, { name: d, ...DATASET_FACTS[d] }, absPath);
  return { sha256: files.sha256 };
}
