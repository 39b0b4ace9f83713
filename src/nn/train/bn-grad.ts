import * as tf from '@tensorflow/tfjs';

/**
 * A cheaper gradient for tfjs's `FusedBatchNorm` kernel (what `tf.batchNorm` and the layers'
 * BatchNormalization run). Same math as tfjs-core's `FusedBatchNorm_grad`, but:
 * - dx = `dy * (rsqrt(var + eps) * scale)` by broadcasting, instead of tiling the `[C]` factor to
 *   the full `[N, H, W, C]` shape (tfjs's `Tile` dominated the VGG training profile on wasm);
 * - `sum(dy)` and `sum(dy * (x - mean))` are each reduced once and shared by the mean, variance,
 *   scale and offset gradients (tfjs reduces four full-size products).
 * Only the per-channel case (`mean` of rank 1) is specialised; any other rank uses tfjs's original.
 */
const original = tf.getGradient('FusedBatchNorm');

export const fastBatchNormGrad: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const g = Array.isArray(dy) ? dy[0] : dy;
    if (mean.rank !== 1 || !g || !x) return original.gradFunc(dy, saved, attrs);
    const eps = (attrs as { varianceEpsilon: number }).varianceEpsilon;
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const scaleValue = scale ?? tf.scalar(1);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xMinusMean = tf.sub(x, mean);
    // Computed here, not inside the closures: tfjs runs each closure in its own tidy, so a shared
    // tensor created in one would be disposed before another uses it.
    const sumDy = tf.sum(g, axes);
    const sumDyXm = tf.sum(tf.mul(g, xMinusMean), axes);
    return {
      x: () => tf.mul(g, tf.mul(rstd, scaleValue)),
      mean: () => tf.reshape(tf.mul(tf.mul(tf.neg(rstd), scaleValue), sumDy), mean.shape),
      variance: () => tf.reshape(tf.mul(tf.mul(tf.mul(tf.pow(rstd, 3), -0.5), scaleValue), sumDyXm), mean.shape),
      scale: () => tf.reshape(tf.mul(rstd, sumDyXm), mean.shape),
      offset: () => tf.reshape(sumDy, mean.shape),
    };
  },
};

/** Registers `fastBatchNormGrad` for the FusedBatchNorm kernel (idempotent; applies to every backend). */
export function installFastBatchNormGrad(): void {
  if (tf.getGradient('FusedBatchNorm') !== fastBatchNormGrad) tf.registerGradient(fastBatchNormGrad);
}

/** tfjs's own FusedBatchNorm gradient, kept for reference tests. */
export const originalBatchNormGrad = original;
