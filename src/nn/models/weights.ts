import * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';

const PRUNABLE = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/** Names of the layers whose kernels can be pruned/quantized (conv, depthwise, dense), in model order. */
export function prunableLayers(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => PRUNABLE.has(l.getClassName())).map((l) => l.name);
}

/** The kernel variable of a prunable layer (`kernel` or `depthwise_kernel`). */
export function kernelOf(model: tf.LayersModel, layerName: string): tf.LayerVariable {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(layerName);
  } catch (cause) {
    throw new HwsweepError('SHAPE_MISMATCH', `model "${model.name}" has no layer "${layerName}"`, {
      context: { model: model.name, layer: layerName },
      cause,
    });
  }
  const k = layer.weights.find(
    (w) => w.originalName.endsWith('/kernel') || w.originalName.endsWith('/depthwise_kernel'),
  );
  if (!k) {
    throw new HwsweepError('SHAPE_MISMATCH', `layer "${layerName}" of model "${model.name}" has no kernel`, {
      context: { model: model.name, layer: layerName },
    });
  }
  return k;
}

/**
 * Reads every prunable kernel. Layouts: conv HWIO `[kh, kw, inC, outC]`, depthwise
 * `[kh, kw, inC, mult]`, dense `[inUnits, outUnits]`, row-major. Returns copies.
 */
export function getWeights(model: tf.LayersModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const name of prunableLayers(model)) out.set(name, kernelOf(model, name).read().dataSync() as Float32Array);
  return out;
}

/** Overwrites the kernels named in `w` (same layouts as `getWeights`); other weights are untouched. */
export function setWeights(model: tf.LayersModel, w: Map<string, Float32Array>): void {
  for (const [name, data] of w) {
    const v = kernelOf(model, name);
    const size = v.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
    if (data.length !== size) {
      throw new HwsweepError(
        'SHAPE_MISMATCH',
        `setWeights: layer "${name}" needs ${size} values [${v.shape.join(',')}], got ${data.length}`,
        {
          context: { layer: name, expected: size, actual: data.length },
        },
      );
    }
    const t = tf.tensor(data, v.shape as number[]);
    v.write(t);
    t.dispose();
  }
}

/** The layer's kernel shape, e.g. `[3, 3, 16, 32]`. */
export function kernelShape(model: tf.LayersModel, layerName: string): number[] {
  return kernelOf(model, layerName).shape as number[];
}

/**
 * Every weight of the model (trainable and not: kernels, biases, BN gamma/beta/moving stats),
 * keyed by the stable `layer/weight` name (e.g. `conv1/kernel`, `conv1_bn/moving_mean`).
 */
export function getAllWeights(model: tf.LayersModel): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const w of model.weights) {
    out.set(w.originalName, { shape: w.shape as number[], data: w.read().dataSync() as Float32Array });
  }
  return out;
}

/** Restores weights saved by `getAllWeights`; every model weight must be present with its shape. */
export function setAllWeights(model: tf.LayersModel, all: Map<string, { shape: number[]; data: Float32Array }>): void {
  for (const w of model.weights) {
    const saved = all.get(w.originalName);
    const size = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
    if (!saved || saved.data.length !== size) {
      throw new HwsweepError(
        'SHAPE_MISMATCH',
        `weights do not fit model "${model.name}": ${w.originalName} needs ${size} values, got ${saved ? saved.data.length : 'none'}`,
        { context: { weight: w.originalName, expected: size } },
      );
    }
    const t = tf.tensor(saved.data, w.shape as number[]);
    w.write(t);
    t.dispose();
  }
}
