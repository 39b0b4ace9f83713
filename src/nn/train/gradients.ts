import * as tf from '@tensorflow/tfjs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { checkArg } from '../../errors.js';
import type { Split } from '../data/types.js';
import { kernelOf, prunableLayers } from '../models/weights.js';
import { batchLossAndCorrect, modelInputShape } from './evaluate.js';

/**
 * Gradient of the mean softmax cross-entropy over all `split.n` images with respect to each
 * prunable kernel, e.g. for shared-weight (centroid) fine-tuning or gradient-based saliency.
 * Runs the model in inference mode by default (BN uses moving statistics, nothing is updated);
 * `training: true` uses batch statistics and, like tfjs, also updates the BN moving averages.
 * @returns layer name -> `dL/dw` in the kernel's layout (HWIO `[kh, kw, inC, outC]`, depthwise
 *   `[kh, kw, inC, mult]`, dense `[in, out]`), float32.
 */
export async function kernelGradients(
  model: tf.LayersModel,
  split: Split,
  opts: { batchSize?: number; training?: boolean; layers?: string[] } = {},
): Promise<Map<string, Float32Array>> {
  const batchSize = opts.batchSize ?? 256;
  checkArg(Number.isInteger(batchSize) && batchSize >= 1, 'kernelGradients', 'batchSize', batchSize, 'an integer >= 1');
  checkArg(split.n >= 1, 'kernelGradients', 'split.n', split.n, '>= 1');
  const layers = opts.layers ?? prunableLayers(model);
  const vars = layers.map((l) => kernelOf(model, l).read() as tf.Variable);
  const shape = modelInputShape(model);
  const imageSize = shape[0] * shape[1] * shape[2];
  const numClasses = Number(model.outputs[0]?.shape[1]);
  let sums: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
  try {
    for (let start = 0; start < split.n; start += batchSize) {
      const b = Math.min(batchSize, split.n - start);
      const next = tf.tidy(() => {
        const x = tf.tensor4d(split.x.subarray(start * imageSize, (start + b) * imageSize), [b, ...shape]);
        const y = tf.tensor1d(split.y.subarray(start, start + b), 'int32');
        const { grads } = tf.variableGrads(
          () => batchLossAndCorrect(model, x, y, opts.training ?? false, numClasses).loss,
          vars,
        );
        // batch mean -> contribution to the mean over the split
        return vars.map((v, i) =>
          tf.add(sums[i] ?? tf.zerosLike(v), tf.mul(grads[v.name] ?? tf.zerosLike(v), b / split.n)),
        );
      });
      tf.dispose(sums);
      sums = next;
      await yieldToEventLoop();
    }
    const out = new Map<string, Float32Array>();
    for (let i = 0; i < layers.length; i++) out.set(layers[i] ?? '', (await sums[i]?.data()) as Float32Array);
    return out;
  } finally {
    tf.dispose(sums);
  }
}
