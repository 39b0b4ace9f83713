import type * as tf from '@tensorflow/tfjs';
import {
  captureLayerInputs,
  clusterModel,
  quantizeModel,
  sampleSplit,
  type ClusteredModel,
  type QuantizedModel,
} from '../compress/model.js';
import { countKept, modelStorage, prunedModelStorage, sparsityFor, type ModelStorage, type PruneResult, type ValueEncoding } from '../compress/index.js';
import { pow2ModeOf, quantizePow2 } from '../compress/quantize/index.js';
import { evaluate, type Dataset, type EvalTransforms } from '../nn/index.js';
import { denseMacs, type LayerDescriptor } from '../shared/layer.js';
import { FLOAT_BITS, type TrialConfig } from '../spec/index.js';
import { encodeExportBundle } from './export.js';
import type { SimInput } from './sim-input.js';

export interface CompressOutcome {
  accuracy: number;
  loss: number;
  storage: ModelStorage;
  layers: LayerRow[];
  sim: SimInput;
  /** What `hwsweep export` needs to rebuild the network as evaluated (`encodeExportBundle`). */
  exportBundle: Uint8Array;
}

/** One `layer_results` row. */
export interface LayerRow {
  layer: string;
  layerIndex: number;
  kind: string;
  weightShape: string;
  weights: number;
  kept: number;
  sparsity: number;
  weightBits: number;
  activationBits: number;
  fractionalLength: number | null;
  weightClusters: number | null;
  denseMacs: number;
  storageBits: number;
  skipped: string | null;
}

/**
 * Weights from clustering when clustered, else fixed point (if quantized), else powers of two (post-training
 * pow2; after INQ the weights already are powers of two); activations from clustering or fixed point.
 */
function compose(
  q: QuantizedModel | undefined,
  c: ClusteredModel | undefined,
  pow2: EvalTransforms['weight'],
  use: { quantW: boolean; quantA: boolean; clusterW: boolean; clusterA: boolean },
): EvalTransforms {
  const w = use.clusterW ? c?.transforms.weight : use.quantW ? q?.transforms.weight : pow2;
  const a = use.clusterA ? c?.transforms.activation : use.quantA ? q?.transforms.activation : undefined;
  return { ...(w ? { weight: w } : {}), ...(a ? { activation: a } : {}) };
}

/**
 * Quantizes and clusters a (pruned, retrained) network as the trial asks, measures its accuracy on the test split
 * through the evaluation hook, and accounts storage per layer. Masks keep zeros exact: rounding and k-means
 * (code 0 reserved) both map 0 to 0.
 * @param model trained network whose kernels already carry the masks; not modified
 */
export async function compressForTrial(
  t: TrialConfig,
  model: tf.LayersModel,
  data: Dataset,
  layers: LayerDescriptor[],
  pruned: PruneResult | undefined,
): Promise<CompressOutcome> {
  const calibration = sampleSplit(data.train, Math.min(t.calibrationSize ?? 256, data.train.n), t.seed);
  const quantW = t.weightFormat === 'fixed' && t.weightClusters === 0;
  const pow2 = t.weightFormat === 'pow2';
  // Post-training power-of-two weights when no INQ retraining made them so already (METHODS §6.4 steps 1-3).
  const mode = pow2ModeOf(t.pow2SignBased);
  const pow2Weights: EvalTransforms['weight'] = pow2 && t.inq === null ? (_l, w) => quantizePow2(w, t.weightBits, mode).values : undefined;
  const quantA = t.activationBits < FLOAT_BITS && t.activationClusters === 0;
  const rounding = t.rounding === 'stochastic' ? 'sr' : 'rna';
  const threshold = t.threshold ?? 'max';
  const q =
    quantW || quantA
      ? await quantizeModel(model, {
          weights: { bits: quantW ? t.weightBits : 16, rounding },
          ...(quantA
            ? { activations: { bits: t.activationBits, threshold, rounding, ...(t.percentile ? { percentile: t.percentile } : {}) } }
            : {}),
          calibration,
          seed: t.seed,
        })
      : undefined;
  const c =
    t.weightClusters > 0 || t.activationClusters > 0
      ? await clusterModel(model, {
          k: t.weightClusters > 0 ? t.weightClusters : 256,
          init: t.clusterInit ?? 'linear',
          seed: t.seed,
          ...(t.activationClusters > 0 ? { activations: { k: t.activationClusters, calibration } } : {}),
        })
      : undefined;
  const use = { quantW, quantA, clusterW: t.weightClusters > 0, clusterA: t.activationClusters > 0 };
  const transforms = compose(q, c, pow2Weights, use);
  const result = await evaluate(model, data.test, { transforms });

  // Per-layer input activation density from a few calibration images: the simulator's zero-skipping expectation.
  const acts = await captureLayerInputs(model, sampleSplit(calibration, Math.min(32, calibration.n), t.seed));
  const density = new Map([...acts].map(([name, v]) => [name, v.length ? v.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0) / v.length : 1]));

  const values = (l: LayerDescriptor): ValueEncoding => {
    const ct = t.weightClusters > 0 ? c?.weights.get(l.name) : undefined;
    if (ct) return { kind: 'clustered', clusters: Math.max(1, ...ct.codebooks.map((b) => b.length)), codebooks: ct.codebooks.length };
    if (pow2) return { kind: 'pow2', bits: t.weightBits };
    return quantW ? { kind: 'fixed', bits: t.weightBits } : { kind: 'float32' };
  };
  const storage = pruned
    ? prunedModelStorage(layers, pruned, values)
    : modelStorage(layers.map((l) => ({ name: l.name, shape: l.weightShape, format: { values: values(l), sparsity: { kind: 'dense' } } })));
  const reports = new Map(pruned?.report.layers.map((r) => [r.name, r]));
  const rows: LayerRow[] = layers.map((l, i) => {
    const r = reports.get(l.name);
    const total = l.weightShape.reduce((a, b) => a * b, 1);
    const mask = pruned?.masks.get(l.name);
    const kept = mask ? countKept(mask) : total; // from the stored masks, not from a report
    const ct = t.weightClusters > 0 ? c?.weights.get(l.name) : undefined;
    return {
      layer: l.name,
      layerIndex: i,
      kind: l.kind,
      weightShape: l.weightShape.join('x'),
      weights: total,
      kept,
      sparsity: 1 - kept / total,
      weightBits: quantW || pow2 ? t.weightBits : FLOAT_BITS,
      activationBits: quantA ? t.activationBits : FLOAT_BITS,
      fractionalLength: quantW ? (q?.plans.get(l.name)?.weights.fl ?? null) : null,
      weightClusters: ct ? Math.max(...ct.codebooks.map((b) => b.length)) : null,
      denseMacs: denseMacs(l),
      storageBits: storage.layers[i]?.totalBits ?? 0,
      skipped: r?.skipped ?? null,
    };
  });
  const sim: SimInput = {
    layers,
    perLayer: rows.map((row, i) => ({
      name: row.layer,
      // the storage encoding the accounting above used, so the simulator counts the same bits
      sparsity: reports.has(row.layer) ? sparsityFor(layers[i] as LayerDescriptor, reports.get(row.layer)!) : null,
      weightBits: row.weightBits < FLOAT_BITS ? row.weightBits : null,
      weightFormat: row.weightBits < FLOAT_BITS ? (pow2 ? 'pow2' : 'fixed') : null,
      activationBits: row.activationBits < FLOAT_BITS ? row.activationBits : null,
      weightClusters: row.weightClusters,
      activationClusters: t.activationClusters > 0 ? t.activationClusters : null,
      activationDensity: density.get(row.layer) ?? null,
    })),
    masks: pruned?.masks ?? new Map(),
    codes: new Map(
      t.weightClusters > 0 && c ? [...c.weights].map(([name, ct]) => [name, Uint16Array.from(ct.codes)] as const) : [],
    ),
  };
  const exportBundle = encodeExportBundle({ name: t.model, model, masks: pruned?.masks, quantized: q, clustered: c, use, transforms, storage });
  return { accuracy: result.accuracy, loss: result.loss, storage, layers: rows, sim, exportBundle };
}
