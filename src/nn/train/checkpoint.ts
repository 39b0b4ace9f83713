import type * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';
import { getAllWeights, setAllWeights } from '../models/weights.js';
import { pack, unpack, type Blob } from './pack.js';
import type { EpochMetrics, Masks } from './types.js';

/** Everything needed to continue a training run after a completed epoch. */
export interface CheckpointState {
  /** Last completed epoch (0-based); training resumes at `epoch + 1`. */
  epoch: number;
  /** Data-order RNG state after that epoch. */
  rngState: number;
  optimizerStep: number;
  /** Identity of the run (resume refuses a checkpoint of different options). */
  run: { optimizer: string; batchSize: number; epochs: number; seed: number; model: string };
  history: EpochMetrics[];
}

function weightBlobs(model: tf.LayersModel): Blob[] {
  return [...getAllWeights(model)].map(([key, w]) => ({ key: `w/${key}`, data: w.data, shape: w.shape }));
}

function restoreWeights(model: tf.LayersModel, blobs: Map<string, Blob>): void {
  const all = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [key, b] of blobs) {
    if (key.startsWith('w/') && b.data instanceof Float32Array) all.set(key.slice(2), { shape: b.shape, data: b.data });
  }
  setAllWeights(model, all);
}

/** The 0/1 maps a run trains under: pruning masks and frozen-weight maps. */
export interface RunMaps {
  masks: Masks | undefined;
  frozen: Masks | undefined;
}

const mapBlobs = (prefix: string, maps: Masks | undefined): Blob[] =>
  [...(maps ?? new Map<string, Uint8Array>())].map(([k, m]) => ({ key: `${prefix}${k}`, data: m, shape: [m.length] }));

function readMaps(blobs: Map<string, Blob>, prefix: string): Masks | undefined {
  const out: Masks = new Map();
  for (const [key, b] of blobs)
    if (key.startsWith(prefix) && b.data instanceof Uint8Array) out.set(key.slice(prefix.length), b.data);
  return out.size ? out : undefined;
}

/** Serialises weights (all, incl. BN statistics), masks, frozen maps, optimizer slots and the run state. */
export function encodeCheckpoint(
  model: tf.LayersModel,
  state: CheckpointState,
  maps: RunMaps,
  optBlobs: Blob[],
): Uint8Array {
  const blobs = [...weightBlobs(model), ...mapBlobs('m/', maps.masks), ...mapBlobs('f/', maps.frozen), ...optBlobs];
  return pack({ kind: 'checkpoint', ...state }, blobs);
}

/**
 * Why `bytes` cannot be loaded into `model`, or undefined when they can: the file parses, every weight of the
 * model is there with its size, every float (weights, masks' companions, optimizer slots) is finite, and for a
 * checkpoint the run state is well-formed (integer epoch >= 0, one history entry per epoch). Only looks: the
 * model is not touched, so a caller can fall back (e.g. retrain from scratch) with the model as it was.
 */
export function artifactProblem(model: tf.LayersModel, bytes: Uint8Array, kind: 'checkpoint' | 'weights'): string | undefined {
  let parsed: Unpacked;
  try {
    parsed = unpack(bytes, kind);
  } catch (err) {
    return (err as Error).message;
  }
  return parsedProblem(model, parsed, kind);
}

type Unpacked = ReturnType<typeof unpack>;

/** {@link artifactProblem} of bytes already unpacked (loading unpacks once: every blob is a copy). */
function parsedProblem(model: tf.LayersModel, { meta, blobs }: Unpacked, kind: 'checkpoint' | 'weights'): string | undefined {
  if (kind === 'checkpoint' && meta['kind'] !== 'checkpoint') return `the bytes hold a "${String(meta['kind'])}" file, not a checkpoint`;
  for (const w of model.weights) {
    const size = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
    const b = blobs.get(`w/${w.originalName}`);
    if (!b || b.data.length !== size) return `${w.originalName} needs ${size} values, got ${b ? b.data.length : 'none'}`;
  }
  for (const [key, b] of blobs) {
    if (!(b.data instanceof Float32Array)) continue;
    const i = b.data.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) return `${key}[${i}] = ${b.data[i]} is not finite`;
  }
  if (kind === 'checkpoint') {
    const st = meta as unknown as Partial<CheckpointState>;
    if (!Number.isInteger(st.epoch) || (st.epoch ?? -1) < 0) return `epoch ${String(st.epoch)} is not an integer >= 0`;
    if (!Array.isArray(st.history) || st.history.length !== st.epoch! + 1) {
      return `its history has ${Array.isArray(st.history) ? st.history.length : 'no'} epochs, expected ${st.epoch! + 1}`;
    }
  }
  return undefined;
}

function invalidArtifact(model: tf.LayersModel, kind: 'checkpoint' | 'weights', why: string): HwsweepError {
  return new HwsweepError('ARTIFACT_INVALID', `${kind} for model "${model.name}" cannot be loaded: ${why}`, { context: { model: model.name, kind } });
}

function assertLoadable(model: tf.LayersModel, parsed: Unpacked, kind: 'checkpoint' | 'weights'): void {
  const why = parsedProblem(model, parsed, kind);
  if (why !== undefined) throw invalidArtifact(model, kind, why);
}

/** Restores the weights into `model` and returns the rest of a checkpoint. Throws ARTIFACT_INVALID (model untouched) on a bad one. */
export function decodeCheckpoint(
  model: tf.LayersModel,
  bytes: Uint8Array,
): RunMaps & { state: CheckpointState; blobs: Map<string, Blob> } {
  let parsed: Unpacked;
  try {
    parsed = unpack(bytes, 'checkpoint');
  } catch (err) {
    throw invalidArtifact(model, 'checkpoint', (err as Error).message);
  }
  assertLoadable(model, parsed, 'checkpoint');
  const { meta, blobs } = parsed;
  restoreWeights(model, blobs);
  const state = meta as unknown as CheckpointState;
  return { state, masks: readMaps(blobs, 'm/'), frozen: readMaps(blobs, 'f/'), blobs };
}

/** Weights only (every model weight incl. BN statistics), e.g. a trained baseline. */
export function saveModelBytes(model: tf.LayersModel): Uint8Array {
  return pack({ kind: 'weights', model: model.name }, weightBlobs(model));
}

/**
 * Loads bytes from `saveModelBytes` into a model of the same architecture (`createModel` with the same options).
 * Validated first ({@link artifactProblem}): non-finite or missing weights throw ARTIFACT_INVALID, model untouched.
 */
export function loadModelBytes(model: tf.LayersModel, bytes: Uint8Array): void {
  const parsed = unpack(bytes, 'weights');
  const { meta, blobs } = parsed;
  if (meta['kind'] !== 'weights' && meta['kind'] !== 'checkpoint') {
    throw new HwsweepError('INVALID_ARGUMENT', `weights: unknown file kind "${String(meta['kind'])}"`);
  }
  assertLoadable(model, parsed, 'weights');
  restoreWeights(model, blobs);
}
