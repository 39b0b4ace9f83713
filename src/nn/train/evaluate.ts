import * as tf from '@tensorflow/tfjs';
import { checkArg } from '../../errors.js';
import type { Split } from '../data/types.js';
import { kernelOf, kernelShape, prunableLayers, setWeights } from '../models/weights.js';
import type { EvalTransforms } from './types.js';

/** Forward pass in inference mode over `x` `[b, h, w, c]`; returns mean loss * b and correct count as tensors. */
export function batchLossAndCorrect(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  training: boolean,
  numClasses: number,
): { loss: tf.Scalar; correct: tf.Scalar } {
  const logits = model.apply(x, { training }) as tf.Tensor2D;
  const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar;
  return { loss, correct };
}

/** Per-image input shape of the model, `[h, w, c]`. */
export function modelInputShape(model: tf.LayersModel): [number, number, number] {
  const s = model.inputs[0]?.shape ?? [];
  return [Number(s[1]), Number(s[2]), Number(s[3])];
}

/**
 * Top-1 accuracy (in `[0, 1]`) and mean cross-entropy of `model` on `split`, in inference mode
 * (BN uses moving statistics). `transforms` temporarily replace kernels and/or map each prunable
 * layer's input activation; the model is left exactly as it was.
 */
export async function evaluate(
  model: tf.LayersModel,
  split: Split,
  opts: { batchSize?: number; transforms?: EvalTransforms } = {},
): Promise<{ loss: number; accuracy: number }> {
  const batchSize = opts.batchSize ?? 256;
  checkArg(Number.isInteger(batchSize) && batchSize >= 1, 'evaluate', 'batchSize', batchSize, 'an integer >= 1');
  checkArg(split.n >= 1, 'evaluate', 'split.n', split.n, '>= 1');
  const shape = modelInputShape(model);
  const numClasses = Number(model.outputs[0]?.shape[1]);
  const imageSize = shape[0] * shape[1] * shape[2];
  return await withTransforms(model, opts.transforms, async () => {
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < split.n; start += batchSize) {
      const b = Math.min(batchSize, split.n - start);
      const r = tf.tidy(() => {
        const x = tf.tensor4d(split.x.subarray(start * imageSize, (start + b) * imageSize), [b, ...shape]);
        const y = tf.tensor1d(split.y.subarray(start, start + b), 'int32');
        const o = batchLossAndCorrect(model, x, y, false, numClasses);
        return tf.stack([tf.mul(o.loss, b), o.correct]);
      });
      const [l, c] = await r.data();
      r.dispose();
      lossSum += l ?? 0;
      correct += c ?? 0;
    }
    return { loss: lossSum / split.n, accuracy: correct / split.n };
  });
}

/**
 * Runs `body` with `transforms` applied to `model`, and leaves the model exactly as it was afterwards (also when
 * `body` or a transform throws): the kernel of each target layer (`transforms.layers`, default every prunable
 * layer) is replaced by `weight(layer, kernel, kernelShape)`, and its input activation is mapped by `activation`.
 * The one implementation of the transform hook, for `evaluate` and for callers that need other outputs (logits).
 */
export async function withTransforms<T>(
  model: tf.LayersModel,
  transforms: EvalTransforms | undefined,
  body: () => Promise<T>,
): Promise<T> {
  const t = transforms;
  const targets = t?.layers ?? prunableLayers(model);
  const saved = new Map<string, Float32Array>();
  const patched: { layer: tf.layers.Layer; call: tf.layers.Layer['call'] }[] = [];
  try {
    if (t?.weight) {
      const fn = t.weight;
      for (const name of targets) saved.set(name, kernelOf(model, name).read().dataSync() as Float32Array);
      setWeights(model, new Map(targets.map((n) => [n, fn(n, saved.get(n) as Float32Array, kernelShape(model, n))])));
    }
    if (t?.activation) {
      const fn = t.activation;
      for (const name of targets) {
        const layer = model.getLayer(name);
        const call = layer.call.bind(layer);
        patched.push({ layer, call: layer.call });
        layer.call = (inputs, kwargs) => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          return call(fn(name, x as tf.Tensor), kwargs);
        };
      }
    }
    return await body();
  } finally {
    for (const p of patched) p.layer.call = p.call;
    setWeights(model, saved);
  }
}
