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

/** Restores the weights into `model` and returns the rest of a checkpoint. */
export function decodeCheckpoint(
  model: tf.LayersModel,
  bytes: Uint8Array,
): RunMaps & { state: CheckpointState; blobs: Map<string, Blob> } {
  const { meta, blobs } = unpack(bytes, 'checkpoint');
  if (meta['kind'] !== 'checkpoint') {
    throw new HwsweepError(
      'INVALID_ARGUMENT',
      `checkpoint: the bytes hold a "${String(meta['kind'])}" file, not a checkpoint`,
    );
  }
  restoreWeights(model, blobs);
  const state = meta as unknown as CheckpointState;
  return { state, masks: readMaps(blobs, 'm/'), frozen: readMaps(blobs, 'f/'), blobs };
}

/** Weights only (every model weight incl. BN statistics), e.g. a trained baseline. */
export function saveModelBytes(model: tf.LayersModel): Uint8Array {
  return pack({ kind: 'weights', model: model.name }, weightBlobs(model));
}

/** Loads bytes from `saveModelBytes` into a model of the same architecture (`createModel` with the same options). */
export function loadModelBytes(model: tf.LayersModel, bytes: Uint8Array): void {
  const { meta, blobs } = unpack(bytes, 'weights');
  if (meta['kind'] !== 'weights' && meta['kind'] !== 'checkpoint') {
    throw new HwsweepError('INVALID_ARGUMENT', `weights: unknown file kind "${String(meta['kind'])}"`);
  }
  restoreWeights(model, blobs);
}
