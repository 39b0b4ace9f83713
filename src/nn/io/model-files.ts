import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';
import { packEnvelope, unpackEnvelope } from '../../shared/envelope.js';

/**
 * A tfjs LayersModel as files hold it: `model.json` (`modelTopology` + `weightsManifest`) and its weight shards,
 * read without tfjs-node (whose `file://` handler does not install here).
 */
export interface ModelFiles {
  /** The Keras / tfjs `modelTopology` exactly as model.json holds it. */
  topology: unknown;
  /** Every weight's name, shape, dtype (and quantization, if the converter quantized it), in shard order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** The shards concatenated in manifest order. */
  weightData: Uint8Array;
  /** sha256 (hex) of the topology, the weight specs and the weight bytes: the model's identity. */
  sha256: string;
}

/** sha256 over `JSON.stringify({ topology, weightSpecs })`, a newline, then the weight bytes. */
export function modelFilesHash(f: Omit<ModelFiles, 'sha256'>): string {
  return createHash('sha256')
    .update(JSON.stringify({ topology: f.topology, weightSpecs: f.weightSpecs }))
    .update('\n')
    .update(f.weightData)
    .digest('hex');
}

function readOrThrow(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new HwsweepError('MODEL_NOT_FOUND', `cannot read ${what} ${file} (${code})`, {
      context: { path: file },
      cause,
    });
  }
}

/**
 * Reads `model.json` and the shards its `weightsManifest` lists (paths relative to model.json's folder).
 * @throws HwsweepError MODEL_NOT_FOUND for a missing file, INVALID_ARGUMENT for a file that is not a tfjs
 *   LayersModel (naming the field), SHAPE_MISMATCH when the shards hold fewer or more bytes than the specs need.
 */
export function readModelFiles(modelJsonPath: string): ModelFiles {
  const text = readOrThrow(modelJsonPath, 'model file').toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HwsweepError('INVALID_ARGUMENT', `${modelJsonPath} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const j = json as { modelTopology?: unknown; weightsManifest?: unknown; format?: unknown };
  const notModel = (why: string): HwsweepError =>
    new HwsweepError('INVALID_ARGUMENT', `${modelJsonPath} is not a tfjs LayersModel: ${why}`, {
      context: { path: modelJsonPath },
      hint: 'convert Keras models with tensorflowjs_converter --input_format keras (docs/models.md)',
    });
  if (typeof j !== 'object' || j === null) throw notModel('not a JSON object');
  if (j.format !== undefined && j.format !== 'layers-model') {
    throw notModel(`format is ${JSON.stringify(j.format)}, not "layers-model" (a graph model cannot be trained)`);
  }
  if (typeof j.modelTopology !== 'object' || j.modelTopology === null) throw notModel('no modelTopology');
  if (!Array.isArray(j.weightsManifest)) throw notModel('no weightsManifest list');
  const groups = j.weightsManifest as { paths?: unknown; weights?: unknown }[];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  groups.forEach((g, i) => {
    if (!Array.isArray(g.paths) || !Array.isArray(g.weights))
      throw notModel(`weightsManifest[${i}] has no paths/weights lists`);
    for (const p of g.paths as unknown[])
      shards.push(readOrThrow(join(dirname(modelJsonPath), String(p)), 'weight shard'));
    weightSpecs.push(...(g.weights as tf.io.WeightsManifestEntry[]));
  });
  const weightData = new Uint8Array(Buffer.concat(shards));
  const needed = weightSpecs.reduce((a, w) => a + specBytes(w), 0);
  if (needed !== weightData.byteLength) {
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `${modelJsonPath}: the weight shards hold ${weightData.byteLength} bytes but weightsManifest describes ${needed}`,
      { context: { path: modelJsonPath, bytes: weightData.byteLength, expected: needed } },
    );
  }
  const files = { topology: j.modelTopology, weightSpecs, weightData };
  return { ...files, sha256: modelFilesHash(files) };
}

/** Bytes one weight takes in a shard (quantized weights at their stored dtype). */
function specBytes(w: tf.io.WeightsManifestEntry): number {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization?.dtype ?? w.dtype;
  const per: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };
  return n * (per[dtype] ?? 4);
}

/** One artifact for the database: `{ topology, weightSpecs, sha256 }` as JSON, then the weight bytes. */
export function encodeModelFiles(f: ModelFiles): Uint8Array {
  return packEnvelope({ topology: f.topology, weightSpecs: f.weightSpecs, sha256: f.sha256 }, f.weightData);
}

/** Inverse of `encodeModelFiles`; verifies the content hash. */
export function decodeModelFiles(bytes: Uint8Array): ModelFiles {
  const { meta, payload } = unpackEnvelope<Omit<ModelFiles, 'weightData'>>(bytes);
  const files = { topology: meta.topology, weightSpecs: meta.weightSpecs, weightData: Uint8Array.from(payload) };
  const sha256 = modelFilesHash(files);
  if (sha256 !== meta.sha256) {
    throw new HwsweepError(
      'MODEL_NOT_FOUND',
      `stored model ${meta.sha256} is corrupt (its content hashes to ${sha256})`,
    );
  }
  return { ...files, sha256 };
}

/** The ArrayBuffer tfjs wants, holding exactly these bytes. */
export function arrayBufferOf(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * Writes a LayersModel as tfjs files: `<dir>/model.json` and one shard `<dir>/weights.bin` (what
 * `tf.loadLayersModel` and `readModelFiles` read back). Creates `dir`.
 * @returns the byte size of each file written
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<Record<string, number>> {
  mkdirSync(dir, { recursive: true });
  const sizes: Record<string, number> = {};
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData ?? new ArrayBuffer(0)));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'hwsweep export',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
      };
      const text = JSON.stringify(json);
      writeFileSync(join(dir, 'model.json'), text);
      writeFileSync(join(dir, 'weights.bin'), weights);
      sizes['model.json'] = Buffer.byteLength(text);
      sizes['weights.bin'] = weights.byteLength;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return sizes;
}
