/**
 * Integration of the compression library with the training engine (src/nn): calibration over a seeded
 * sample of training images, fake-quantized and clustered inference through `evaluate`'s transform hook
 * (accuracy is measured, not estimated), and a compact byte format for compressed models
 * (the pure codec lives in `./cluster/compressed-model.ts` and is re-exported here).
 *
 * ```ts
 * const calib = sampleSplit(data.train, 500, 1);
 * const q = await quantizeModel(model, { weights: { bits: 8 }, activations: { bits: 8 }, calibration: calib, seed: 1 });
 * const { accuracy } = await evaluate(model, data.test, { transforms: q.transforms });
 * const c = await clusterModel(model, { k: 16, activations: { k: 8, mode: 'static', calibration: calib } });
 * const bytes = serializeCompressed(buildCompressed({ name: 'lenet5', model, masks, clustered: c }));
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { checkArg, checkOneOf } from '../errors.js';
import { evaluate, getWeights, kernelShape, prunableLayers, withTransforms } from '../nn/index.js';
import type { EvalTransforms, Masks, Split } from '../nn/index.js';
import { Rng } from '../shared/rng.js';
import { snapToCentroids } from './cluster/assign.js';
import { ActivationModes, type ActivationMode, refineOnline, staticActivationCentroids } from './cluster/activations.js';
import type { EmptyClusterRule, KmeansInit } from './cluster/kmeans1d.js';
import { type ClusteredTensor, type Granularity, clusterTensor, decodeTensor } from './cluster/tensor.js';
import { fromCodes, toCodes } from './quantize/fixed-point.js';
import { type LayerQuantPlan, type TensorQuantConfig, planModel } from './quantize/plan.js';
import type { ThresholdMethod } from './quantize/threshold.js';

export {
  type CompressedLayer,
  type CompressedModel,
  type CompressedWeights,
  type CompressedActivation,
  serializeCompressed,
  deserializeCompressed,
  decodeLayerWeights,
} from './cluster/compressed-model.js';
import type {
  CompressedActivation,
  CompressedLayer,
  CompressedModel,
  CompressedWeights,
} from './cluster/compressed-model.js';

/** Seeded sample of `count` images of a split without replacement (original order kept). */
export function sampleSplit(split: Split, count: number, seed: number): Split {
  checkArg(Number.isInteger(count) && count >= 1, 'sampleSplit', 'count', count, `an integer in [1, ${split.n}]`);
  if (count >= split.n) return split;
  const size = split.x.length / split.n;
  const idx = new Uint32Array(split.n);
  for (let i = 0; i < split.n; i++) idx[i] = i;
  new Rng(seed).shuffle(idx);
  const chosen = idx.subarray(0, count).sort();
  const x = new Float32Array(count * size);
  const y = new Uint8Array(count);
  chosen.forEach((i, k) => {
    x.set(split.x.subarray(i * size, (i + 1) * size), k * size);
    y[k] = split.y[i] ?? 0;
  });
  return { x, y, n: count };
}

/**
 * Input activations of the named layers over a split, captured through the evaluation hook.
 * @returns layer name -> all values concatenated (NHWC `[n, h, w, c]` or `[n, units]`, row-major).
 */
export async function captureLayerInputs(
  model: tf.LayersModel,
  split: Split,
  opts: { layers?: string[]; batchSize?: number } = {},
): Promise<Map<string, Float32Array>> {
  const layers = opts.layers ?? prunableLayers(model);
  const parts = new Map<string, Float32Array[]>(layers.map((l) => [l, []]));
  await evaluate(model, split, {
    batchSize: opts.batchSize ?? 128,
    transforms: {
      layers,
      activation: (name, x) => {
        parts.get(name)?.push(Float32Array.from(x.dataSync() as Float32Array));
        return x;
      },
    },
  });
  const out = new Map<string, Float32Array>();
  for (const [name, ps] of parts) {
    const all = new Float32Array(ps.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of ps) {
      all.set(p, o);
      o += p.length;
    }
    out.set(name, all);
  }
  return out;
}

/** Applies a typed-array function to a tensor's values; returns a new tensor of the same shape. */
function mapTensor(x: tf.Tensor, f: (v: Float32Array) => Float32Array): tf.Tensor {
  return tf.tensor(f(x.dataSync() as Float32Array), x.shape, 'float32');
}

/**
 * Logits of `model` on `split` with the same transforms `evaluate` applies (kernels replaced for the
 * call, inputs of the transformed layers mapped); the model is restored afterwards.
 * @returns `[n, numClasses]` row-major logits.
 */
export async function predictLogits(
  model: tf.LayersModel,
  split: Split,
  opts: { transforms?: EvalTransforms; batchSize?: number } = {},
): Promise<Float32Array> {
  const size = split.x.length / split.n;
  const shape = (model.inputs[0]?.shape ?? []).slice(1).map(Number);
  const batch = opts.batchSize ?? 256;
  return await withTransforms(model, opts.transforms, async () => {
    const parts: Float32Array[] = [];
    for (let s = 0; s < split.n; s += batch) {
      const b = Math.min(batch, split.n - s);
      const y = tf.tidy(
        () =>
          model.apply(tf.tensor(split.x.subarray(s * size, (s + b) * size), [b, ...shape]), {
            training: false,
          }) as tf.Tensor,
      );
      parts.push((await y.data()) as Float32Array);
      y.dispose();
    }
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });
}

/** METHODS §3.2 step 7 "relative error": `‖y_q − y_ref‖₁ / ‖y_ref‖₁` over the logits of `split`. */
export async function relativeLogitError(
  model: tf.LayersModel,
  split: Split,
  transforms: EvalTransforms,
  batchSize?: number,
): Promise<number> {
  const ref = await predictLogits(model, split, batchSize !== undefined ? { batchSize } : {});
  const q = await predictLogits(model, split, { transforms, ...(batchSize !== undefined ? { batchSize } : {}) });
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += Math.abs((q[i] as number) - (ref[i] as number));
    den += Math.abs(ref[i] as number);
  }
  return den === 0 ? 0 : num / den;
}

/** Layers (of `names`) whose input is the model's input layer (they see raw images). */
export function inputLayers(model: tf.LayersModel, names: readonly string[]): string[] {
  return names.filter((n) =>
    model.getLayer(n).inboundNodes.some((node) => node.inboundLayers.some((l) => l.getClassName() === 'InputLayer')),
  );
}

export interface QuantizeModelOptions {
  /** Weight config (bits, threshold method; default T = max|W|, SR conversion, FL search ±2). */
  weights: TensorQuantConfig;
  /** Input-activation config (default KL threshold); omit for weight-only quantization. */
  activations?: TensorQuantConfig;
  perLayer?: Record<string, { weights?: TensorQuantConfig; activations?: TensorQuantConfig }>;
  /** Layers to quantize (default: every prunable layer). */
  layers?: string[];
  /** Calibration images (e.g. `sampleSplit(data.train, 500, seed)`); required with `activations`. */
  calibration?: Split;
  /**
   * Threshold method for layers that read the raw model input (the image) [I]. Default `max`: the
   * KL search of §3.3 degenerates on 8-bit images, whose |x| has only 255 distinct levels, so with
   * B = 2048 most bins are empty (Fashion-MNIST, A4: T = 0.005 and 30 % accuracy instead of 74 % with max).
   * `undefined` keeps the `activations.threshold` of the config.
   */
  inputLayerThreshold?: ThresholdMethod | undefined;
  /** Seeds SR of weights and activations and the FL-search sub-sampling. */
  seed: number;
}

export interface QuantizedModel {
  plans: Map<string, LayerQuantPlan>;
  /** Integer weight codes per layer (kernel layout), value = code·2^-FL. */
  weightCodes: Map<string, Int32Array>;
  /** Plug into `evaluate(model, split, { transforms })`. Activation SR draws from a fresh seeded Rng per `transforms()` call. */
  transforms: EvalTransforms;
  /** The seed of `transforms`' activation SR (`fixedPointActivations(plans, transformsSeed)` rebuilds it). */
  transformsSeed: number;
  /** New transforms whose activation SR uses another seed (average accuracy over seeds, §3.2 step 4). */
  transformsWithSeed: (seed: number) => EvalTransforms;
}

/**
 * Post-training fixed-point quantization of a tfjs model (METHODS §3.2): per-layer plans for weights
 * and input activations (calibrated on `calibration`), weight codes with seeded SR or rna, and
 * evaluation transforms that fake-quantize kernels and every quantized layer's input.
 */
export async function quantizeModel(model: tf.LayersModel, opts: QuantizeModelOptions): Promise<QuantizedModel> {
  const layers = opts.layers ?? prunableLayers(model);
  checkArg(
    opts.activations === undefined || opts.calibration !== undefined,
    'quantizeModel',
    'calibration',
    'undefined',
    'a Split when activations are quantized',
  );
  const all = getWeights(model);
  const weights = new Map(layers.map((l) => [l, all.get(l) as Float32Array]));
  const acts =
    opts.activations && opts.calibration ? await captureLayerInputs(model, opts.calibration, { layers }) : undefined;
  const rng = new Rng(opts.seed);
  const perLayer = { ...(opts.perLayer ?? {}) };
  const inputThr = 'inputLayerThreshold' in opts ? opts.inputLayerThreshold : 'max';
  if (opts.activations && inputThr !== undefined) {
    for (const name of inputLayers(model, layers)) {
      const own = perLayer[name];
      if (own?.activations === undefined)
        perLayer[name] = { ...own, activations: { ...opts.activations, threshold: inputThr } };
    }
  }
  const plans = planModel(
    weights,
    acts,
    { weights: opts.weights, ...(opts.activations ? { activations: opts.activations } : {}), perLayer },
    rng,
  );
  const weightCodes = new Map<string, Int32Array>();
  for (const [name, w] of weights) {
    const p = (plans.get(name) as LayerQuantPlan).weights;
    weightCodes.set(name, toCodes(w, p, { rounding: p.rounding, rng }));
  }
  const make = (seed: number): EvalTransforms => ({
    layers,
    weight: (name, w) => {
      const c = weightCodes.get(name);
      const p = plans.get(name);
      return c && p ? fromCodes(c, p.weights.fl) : w;
    },
    activation: fixedPointActivations(plans, seed),
  });
  return { plans, weightCodes, transforms: make(opts.seed + 1), transformsSeed: opts.seed + 1, transformsWithSeed: make };
}

/**
 * The input-activation transform of fixed-point plans (layers without an activation plan pass through). SR draws
 * from one `Rng(seed)` in call order, so the same seed, batches and layer order give the same values.
 */
export function fixedPointActivations(
  plans: ReadonlyMap<string, Pick<LayerQuantPlan, 'activations'>>,
  seed: number,
): NonNullable<EvalTransforms['activation']> {
  const arng = new Rng(seed);
  return (name, x) => {
    const a = plans.get(name)?.activations;
    if (!a) return x;
    return mapTensor(x, (v) => fromCodes(toCodes(v, a, { rounding: a.rounding, rng: arng }), a.fl));
  };
}

/** Static activation clustering (KCNN): every input value of a layer snapped to the layer's nearest centroid. */
export function clusteredActivations(
  centroids: ReadonlyMap<string, ArrayLike<number>>,
): NonNullable<EvalTransforms['activation']> {
  return (name, x) => {
    const c = centroids.get(name);
    return c ? mapTensor(x, (v) => snapToCentroids(v, c)) : x;
  };
}

export interface ClusterModelOptions {
  /** K_w per codebook. */
  k: number;
  granularity?: Granularity;
  init?: KmeansInit;
  emptyCluster?: EmptyClusterRule;
  /** Seeds k-means++ (default 0). */
  seed?: number;
  layers?: string[];
  /** A codebook with fewer non-zeros than K uses K = its non-zero count (default true; false rejects). */
  clampK?: boolean;
  /** Activation clustering (KCNN §5.2 step 4): K_a, static centroids from calibration, or online refinement per image. */
  activations?: { k: number; mode?: ActivationMode; iterations?: number; calibration: Split };
}

export interface ClusteredModel {
  weights: Map<string, ClusteredTensor>;
  activationCentroids?: Map<string, Float64Array>;
  transforms: EvalTransforms;
}

/**
 * k-means weight sharing of a tfjs model (non-zero weights; zeros and masks preserved) and optional
 * activation clustering, with evaluation transforms for measured accuracy.
 */
export async function clusterModel(model: tf.LayersModel, opts: ClusterModelOptions): Promise<ClusteredModel> {
  const layers = opts.layers ?? prunableLayers(model);
  const rng = new Rng(opts.seed ?? 0);
  const all = getWeights(model);
  const weights = new Map<string, ClusteredTensor>();
  for (const name of layers) {
    weights.set(
      name,
      clusterTensor(all.get(name) as Float32Array, kernelShape(model, name), opts.k, {
        granularity: opts.granularity ?? 'layer',
        init: opts.init ?? 'linear',
        emptyCluster: opts.emptyCluster ?? 'move',
        clampK: opts.clampK ?? true,
        rng,
      }),
    );
  }
  let activationCentroids: Map<string, Float64Array> | undefined;
  const a = opts.activations;
  if (a) {
    const mode = a.mode ?? 'static';
    checkOneOf('clusterModel', 'activations.mode', mode, ActivationModes);
    const calib = await captureLayerInputs(model, a.calibration, { layers });
    activationCentroids = new Map(
      layers.map((l) => [l, staticActivationCentroids(calib.get(l) as Float32Array, a.k, { rng })]),
    );
  }
  const centroids = activationCentroids;
  const transforms: EvalTransforms = {
    layers,
    weight: (name, w) => {
      const t = weights.get(name);
      return t ? decodeTensor(t) : w;
    },
    ...(centroids && a
      ? {
          activation: (name: string, x: tf.Tensor) => {
            const c = centroids.get(name);
            if (!c) return x;
            if ((a.mode ?? 'static') === 'static') return clusteredActivations(centroids)(name, x);
            const per = x.size / (x.shape[0] ?? 1);
            return mapTensor(x, (v) => {
              const out = new Float32Array(v.length);
              for (let o = 0; o < v.length; o += per) {
                const img = v.subarray(o, o + per);
                out.set(snapToCentroids(img, refineOnline(img, c, a.iterations ?? 3)), o);
              }
              return out;
            });
          },
        }
      : {}),
  };
  return { weights, ...(activationCentroids ? { activationCentroids } : {}), transforms };
}

/**
 * Assembles a `CompressedModel` from a tfjs model's kernels plus the compression results: per layer,
 * clustered codes (if `clustered` has it) else fixed-point codes (if `quantized` has it) else fp32;
 * the mask (if any) selects the stored positions. Activation formats come from the same sources.
 */
export function buildCompressed(args: {
  name: string;
  model: tf.LayersModel;
  masks?: Masks;
  quantized?: QuantizedModel;
  clustered?: ClusteredModel;
  layers?: string[];
}): CompressedModel {
  const layers = args.layers ?? prunableLayers(args.model);
  const all = getWeights(args.model);
  const out: CompressedLayer[] = [];
  for (const name of layers) {
    const shape = kernelShape(args.model, name);
    const ct = args.clustered?.weights.get(name);
    const qc = args.quantized?.weightCodes.get(name);
    const qp = args.quantized?.plans.get(name);
    let weights: CompressedWeights;
    if (ct) weights = { format: 'clustered', granularity: ct.granularity, codes: ct.codes, codebooks: ct.codebooks };
    else if (qc && qp) weights = { format: 'fixed', bits: qp.weights.bits, fl: qp.weights.fl, codes: qc };
    else weights = { format: 'fp32', values: all.get(name) as Float32Array };
    let activation: CompressedActivation | undefined;
    const ac = args.clustered?.activationCentroids?.get(name);
    if (ac) activation = { format: 'clustered', centroids: Float32Array.from(ac) };
    else if (qp?.activations) activation = { format: 'fixed', bits: qp.activations.bits, fl: qp.activations.fl };
    const mask = args.masks?.get(name);
    out.push({ name, shape, weights, ...(mask ? { mask } : {}), ...(activation ? { activation } : {}) });
  }
  return { name: args.name, layers: out };
}
