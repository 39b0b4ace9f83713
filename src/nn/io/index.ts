/**
 * Model files: user-supplied tfjs LayersModels (`model.json` + weight shards, e.g. converted from Keras) read,
 * hashed, checked and built, and LayersModels written back as files (`hwsweep export`). See docs/models.md.
 *
 * ```ts
 * const files = readModelFiles('./net/model.json');        // topology, weight specs, bytes, sha256
 * const { model, inputShape, numClasses } = await buildFileModel(files, './net/model.json');
 * await saveLayersModel(model, 'out/');                     // out/model.json + out/weights.bin
 * ```
 */
export {
  readModelFiles,
  encodeModelFiles,
  decodeModelFiles,
  modelFilesHash,
  saveLayersModel,
  type ModelFiles,
} from './model-files.js';
export { buildFileModel, inspectModelFile, type FileModel } from './load.js';
