/**
 * BatchNorm folding (METHODS §1.3): `s_k = γ_k / sqrt(σ²_k + ε)`, `W'[..., k] = s_k * W[..., k]`,
 * `b'_k = β_k + s_k * (b_k - μ_k)`. GBP groups and KRP rows lie inside one output channel, so
 * their masks are invariant to folding (AC-13); quantization must happen after folding.
 */
import { HwsweepError, checkArg } from '../errors.js';
import { checkShape } from './prune/params.js';

export interface BatchNormParams {
  /** Per output channel, length K (depthwise: `C*mult`, index `c*mult + m`). */
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  /** @default 1e-3 (Keras / tfjs-layers BatchNormalization default) */
  epsilon?: number;
}

export interface FoldedLayer {
  /** Folded kernel, same shape/layout as the input kernel. */
  weights: Float32Array;
  /** Folded bias, one per output channel. */
  bias: Float32Array;
  /** `s_k` per output channel (float64). */
  scale: Float64Array;
}

/**
 * Folds a BatchNorm that follows a conv / depthwise / dense layer into its kernel and bias.
 * Inputs are not modified.
 * @param w kernel: conv HWIO `[R, S, C, K]`, dense `[C, K]`, depthwise `[R, S, C, mult]` (set `depthwise`)
 * @param bias layer bias (length = output channels); absent = zeros
 */
export function foldBatchNorm(
  w: Float32Array,
  shape: readonly number[],
  bn: BatchNormParams,
  opts: { bias?: Float32Array; depthwise?: boolean } = {},
): FoldedLayer {
  const where = 'foldBatchNorm';
  checkShape(where, w.length, shape, opts.depthwise ? [4] : [2, 4]);
  const channels = opts.depthwise ? (shape[2] ?? 1) * (shape[3] ?? 1) : (shape[shape.length - 1] ?? 1);
  const eps = bn.epsilon ?? 1e-3;
  checkArg(Number.isFinite(eps) && eps >= 0, where, 'epsilon', eps, 'a finite number >= 0');
  const vectors = {
    gamma: bn.gamma,
    beta: bn.beta,
    movingMean: bn.movingMean,
    movingVariance: bn.movingVariance,
    bias: opts.bias,
  };
  for (const [name, v] of Object.entries(vectors)) {
    if (v !== undefined && v.length !== channels) {
      throw new HwsweepError(
        'SHAPE_MISMATCH',
        `${where}: ${name} has length ${v.length}, expected ${channels} output channels`,
        {
          context: { param: name, length: v.length, channels },
        },
      );
    }
  }
  const scale = new Float64Array(channels);
  const bias = new Float32Array(channels);
  for (let k = 0; k < channels; k++) {
    const v = (bn.movingVariance[k] as number) + eps;
    checkArg(v > 0, where, `movingVariance[${k}] + epsilon`, v, 'a number > 0');
    const s = (bn.gamma[k] as number) / Math.sqrt(v);
    scale[k] = s;
    bias[k] = (bn.beta[k] as number) + s * ((opts.bias?.[k] ?? 0) - (bn.movingMean[k] as number));
  }
  const weights = new Float32Array(w.length);
  for (let i = 0, k = 0; i < w.length; i++) {
    weights[i] = (w[i] as number) * (scale[k] as number);
    if (++k === channels) k = 0;
  }
  return { weights, bias, scale };
}
