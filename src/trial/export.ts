/**
 * Export of a compressed trial (`hwsweep export`). When a trial is compressed, `encodeExportBundle` captures what
 * its accuracy was measured on: the packed weights (fixed-point codes and fractional lengths, cluster codes and
 * codebooks, pruning masks), every other weight (biases, batch norm), the input-activation formats and the storage
 * account behind `model_bytes`. `writeExport` turns a bundle into files (a tfjs LayersModel with those weights, the
 * packed form, a manifest of sizes); `loadExport` reads them back as a model plus the activation transforms, and
 * evaluating that pair reproduces the stored accuracy. Layout and formats: docs/models.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  buildCompressed,
  clusteredActivations,
  decodeLayerWeights,
  deserializeCompressed,
  fixedPointActivations,
  serializeCompressed,
  type ClusteredModel,
  type CompressedModel,
  type QuantizedModel,
} from '../compress/model.js';
import { countKept, shapeSize, type ModelStorage } from '../compress/index.js';
import type { TensorQuantPlan } from '../compress/quantize/plan.js';
import { HwsweepError } from '../errors.js';
import type { StorageBreakdown } from '../shared/storage-bits.js';
import { buildFileModel, readModelFiles, saveLayersModel } from '../nn/io/index.js';
import {
  getAllWeights,
  getWeights,
  kernelOf,
  kernelShape,
  prunableLayers,
  setAllWeights,
  type EvalTransforms,
  type Masks,
} from '../nn/index.js';
import { pack, unpack } from '../nn/train/pack.js';

/** How the input of one compute layer was transformed when the accuracy was measured. */
export type ExportActivation =
  | { layer: string; format: 'fixed'; plan: TensorQuantPlan }
  /** Static KCNN centroids, sorted, float64 (JSON keeps them exact). */
  | { layer: string; format: 'clustered'; centroids: number[] };

/** One layer's storage as counted into the trial's `model_bytes` (`modelStorage`). */
export interface ExportLayerStorage extends StorageBreakdown {
  name: string;
  weights: number;
}

interface BundleMeta {
  kind: 'export-bundle';
  activations: ExportActivation[];
  /** Seed of the fixed-point activations' stochastic rounding (`fixedPointActivations`); null without. */
  activationSeed: number | null;
  storage: ExportLayerStorage[];
  totalBits: number;
  fp32Bits: number;
  /** Layers whose evaluated kernel has no packed format here: packed as fp32 values instead. */
  packedAsFp32: string[];
}

/** A decoded bundle. */
export interface ExportBundle extends Omit<BundleMeta, 'kind'> {
  packed: CompressedModel;
  /** Every weight that is not a compute layer's kernel (biases, BN gamma/beta/moving statistics), by `layer/weight`. */
  others: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Which compression results the measured accuracy used (the same choice `compressForTrial` makes). */
export interface ExportUse {
  quantW: boolean;
  quantA: boolean;
  clusterW: boolean;
  clusterA: boolean;
}

const kernelNames = (model: tf.LayersModel): Set<string> => new Set(prunableLayers(model).map((n) => kernelOf(model, n).originalName));

/**
 * Captures a compressed network as it was evaluated. Kernels are packed in the format the evaluation used (codes
 * decode to exactly the evaluated values; a layer for which that does not hold is packed as its evaluated fp32
 * values and listed in `packedAsFp32`).
 * @param model the network the accuracy was measured on, without the weight transform applied; not modified
 * @param transforms the evaluation transforms (weight and activation) the accuracy was measured with
 */
export function encodeExportBundle(args: {
  name: string;
  model: tf.LayersModel;
  masks: Masks | undefined;
  quantized: QuantizedModel | undefined;
  clustered: ClusteredModel | undefined;
  use: ExportUse;
  transforms: EvalTransforms;
  storage: ModelStorage;
}): Uint8Array {
  const { model, quantized: q, clustered: c, use } = args;
  const packed = buildCompressed({
    name: args.name,
    model,
    ...(args.masks ? { masks: args.masks } : {}),
    ...(q && (use.quantW || use.quantA) ? { quantized: use.quantW ? q : { ...q, weightCodes: new Map() } } : {}),
    ...(c && (use.clusterW || use.clusterA)
      ? {
          clustered: {
            ...c,
            weights: use.clusterW ? c.weights : new Map(),
            ...(use.clusterA && c.activationCentroids
              ? { activationCentroids: c.activationCentroids }
              : { activationCentroids: new Map() }),
          },
        }
      : {}),
  });
  const weights = getWeights(model);
  const packedAsFp32: string[] = [];
  packed.layers = packed.layers.map((l) => {
    const w = weights.get(l.name) as Float32Array;
    const evaluated = args.transforms.weight ? args.transforms.weight(l.name, w, kernelShape(model, l.name)) : w;
    const decoded = decodeLayerWeights(l);
    if (decoded.every((v, i) => v === evaluated[i])) return l;
    packedAsFp32.push(l.name);
    return { ...l, weights: { format: 'fp32', values: Float32Array.from(evaluated) } };
  });
  const activations: ExportActivation[] = [];
  let activationSeed: number | null = null;
  if (use.clusterA && c?.activationCentroids) {
    for (const [layer, cs] of c.activationCentroids)
      activations.push({ layer, format: 'clustered', centroids: Array.from(cs) });
  } else if (use.quantA && q) {
    for (const [layer, p] of q.plans)
      if (p.activations) activations.push({ layer, format: 'fixed', plan: p.activations });
    activationSeed = q.transformsSeed;
  }
  const kernels = kernelNames(model);
  const others = [...getAllWeights(model)].filter(([k]) => !kernels.has(k));
  const meta: BundleMeta = {
    kind: 'export-bundle',
    activations,
    activationSeed,
    storage: args.storage.layers.map((l) => ({
      name: l.name,
      format: l.format,
      weights: l.weights,
      entries: l.entries,
      valueBits: l.valueBits,
      indexBits: l.indexBits,
      countBits: l.countBits,
      codebookBits: l.codebookBits,
      totalBits: l.totalBits,
    })),
    totalBits: args.storage.totalBits,
    fp32Bits: args.storage.fp32Bits,
    packedAsFp32,
  };
  return pack(meta as unknown as Record<string, unknown>, [
    { key: 'packed', data: serializeCompressed(packed), shape: [] },
    ...others.map(([k, w]) => ({ key: `w/${k}`, data: w.data, shape: w.shape })),
  ]);
}

export function decodeExportBundle(bytes: Uint8Array): ExportBundle {
  const { meta, blobs } = unpack(bytes, 'export bundle');
  if (meta['kind'] !== 'export-bundle') {
    throw new HwsweepError('INVALID_ARGUMENT', `export bundle: the bytes hold a "${String(meta['kind'])}" file`);
  }
  const m = meta as unknown as BundleMeta;
  const packedBlob = blobs.get('packed');
  if (!packedBlob || !(packedBlob.data instanceof Uint8Array))
    throw new HwsweepError('INVALID_ARGUMENT', 'export bundle has no packed model');
  const others = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, b] of blobs)
    if (k.startsWith('w/') && b.data instanceof Float32Array) others.set(k.slice(2), { shape: b.shape, data: b.data });
  return {
    activations: m.activations,
    activationSeed: m.activationSeed,
    storage: m.storage,
    totalBits: m.totalBits,
    fp32Bits: m.fp32Bits,
    packedAsFp32: m.packedAsFp32,
    packed: deserializeCompressed(packedBlob.data),
    others,
  };
}

/** Describes the trial in the manifest (copied from its row). */
export interface ExportTrialInfo {
  id: string;
  label: string;
  model: string;
  dataset: string;
  configHash: string;
  accuracy: number | null;
  baselineAccuracy: number | null;
  modelBytes: number | null;
  compressionRatio: number | null;
  config: unknown;
}

/** `manifest.json` of an export. */
export interface ExportManifest {
  format: 'hwsweep-export';
  version: 1;
  trial: ExportTrialInfo;
  /** Per compute layer: the packed weight format and the storage counted into `modelBytes` (bits and bytes). */
  layers: {
    name: string;
    shape: number[];
    weights: number;
    kept: number;
    weightFormat: 'fp32' | 'fixed' | 'clustered';
    bits: number | null;
    fractionalLength: number | null;
    clusters: number | null;
    storage: ExportLayerStorage;
    storageBytes: number;
  }[];
  /** Sum of `layers[].storageBytes`: the trial's `model_bytes`. */
  modelBytes: number;
  fp32Bytes: number;
  activations: ExportActivation[];
  activationSeed: number | null;
  packedAsFp32: string[];
  /** Bytes of each file written. */
  files: Record<string, number>;
}

/**
 * Writes `<dir>/model.json` + `weights.bin` (the network with the evaluated weights: masked, quantized or
 * clustered values), `<dir>/packed.hwcm` (the packed form) and `<dir>/manifest.json`.
 * @param network a model of the trial's architecture; its weights are overwritten
 * @throws SHAPE_MISMATCH when the bundle does not fit the network, or its storage total differs from `trial.modelBytes`
 */
export async function writeExport(
  dir: string,
  network: tf.LayersModel,
  bundle: ExportBundle,
  trial: ExportTrialInfo,
): Promise<ExportManifest> {
  const bytes = bundle.totalBits / 8;
  if (trial.modelBytes !== null && Math.abs(trial.modelBytes - bytes) > 1e-6 * Math.max(1, bytes)) {
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `trial ${trial.id}: its stored export bundle counts ${bytes} bytes but model_bytes is ${trial.modelBytes}`,
      {
        context: { trial: trial.id },
      },
    );
  }
  const all = new Map(bundle.others);
  for (const l of bundle.packed.layers) {
    all.set(kernelOf(network, l.name).originalName, { shape: l.shape, data: decodeLayerWeights(l) }); // throws SHAPE_MISMATCH without one
  }
  setAllWeights(network, all);
  const files = await saveLayersModel(network, dir);
  const packedBytes = serializeCompressed(bundle.packed);
  writeFileSync(join(dir, 'packed.hwcm'), packedBytes);
  files['packed.hwcm'] = packedBytes.byteLength;
  const storage = new Map(bundle.storage.map((s) => [s.name, s]));
  const manifest: ExportManifest = {
    format: 'hwsweep-export',
    version: 1,
    trial,
    layers: bundle.packed.layers.map((l) => {
      const s = storage.get(l.name) as ExportLayerStorage;
      const w = l.weights;
      const size = shapeSize(l.shape);
      return {
        name: l.name,
        shape: l.shape,
        weights: size,
        kept: l.mask ? countKept(l.mask) : size,
        weightFormat: w.format,
        bits: w.format === 'fixed' ? w.bits : null,
        fractionalLength: w.format === 'fixed' ? w.fl : null,
        clusters: w.format === 'clustered' ? Math.max(...w.codebooks.map((b) => b.length)) : null,
        storage: s,
        storageBytes: s.totalBits / 8,
      };
    }),
    modelBytes: bytes,
    fp32Bytes: bundle.fp32Bits / 8,
    activations: bundle.activations,
    activationSeed: bundle.activationSeed,
    packedAsFp32: bundle.packedAsFp32,
    files,
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(dir, 'manifest.json'), text);
  manifest.files['manifest.json'] = Buffer.byteLength(text);
  return manifest;
}

/** The evaluation transform of an export's activation formats (none: weights-only compression). */
export function exportTransforms(activations: readonly ExportActivation[], seed: number | null): EvalTransforms {
  if (activations.length === 0) return {};
  const fixed = new Map(
    activations.flatMap((a) => (a.format === 'fixed' ? [[a.layer, { activations: a.plan }] as const] : [])),
  );
  const clustered = new Map(
    activations.flatMap((a) => (a.format === 'clustered' ? [[a.layer, a.centroids] as const] : [])),
  );
  const f = fixedPointActivations(fixed, seed ?? 0);
  const k = clusteredActivations(clustered);
  return { activation: (name, x) => (clustered.has(name) ? k(name, x) : f(name, x)) };
}

/**
 * Reads an export back: the LayersModel from model.json (built by tfjs), the manifest and the activation
 * transforms. `evaluate(model, test, { transforms })` then reproduces `manifest.trial.accuracy` (same backend, same
 * test images). The caller disposes `model`.
 */
export async function loadExport(
  dir: string,
): Promise<{ model: tf.LayersModel; transforms: EvalTransforms; manifest: ExportManifest; packed: CompressedModel }> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExportManifest;
  const packed = deserializeCompressed(new Uint8Array(readFileSync(join(dir, 'packed.hwcm'))));
  const { model } = await buildFileModel(readModelFiles(join(dir, 'model.json')), join(dir, 'model.json'));
  return { model, transforms: exportTransforms(manifest.activations, manifest.activationSeed), manifest, packed };
}
