import * as tf from '@tensorflow/tfjs';

/**
 * Layer helpers for the model zoo. Every kernel starts at zero here and is filled by
 * `initWeights` from a seeded `Rng`, so model creation never draws from tfjs's global RNG.
 */
type Sym = tf.SymbolicTensor;

export function conv(
  x: Sym,
  name: string,
  filters: number,
  kernelSize: number,
  opts: { strides?: number; padding?: 'same' | 'valid'; useBias?: boolean; activation?: 'relu' } = {},
): Sym {
  return tf.layers
    .conv2d({
      name,
      filters,
      kernelSize,
      strides: opts.strides ?? 1,
      padding: opts.padding ?? 'same',
      useBias: opts.useBias ?? true,
      activation: opts.activation ?? 'linear',
      kernelInitializer: 'zeros',
    })
    .apply(x) as Sym;
}

export function depthwise(x: Sym, name: string, kernelSize: number, strides: number): Sym {
  return tf.layers
    .depthwiseConv2d({ name, kernelSize, strides, padding: 'same', useBias: false, depthwiseInitializer: 'zeros' })
    .apply(x) as Sym;
}

export function bn(x: Sym, name: string): Sym {
  return tf.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-3 }).apply(x) as Sym;
}

export function relu(x: Sym, name: string): Sym {
  return tf.layers.activation({ name, activation: 'relu' }).apply(x) as Sym;
}

export function maxPool(x: Sym, name: string): Sym {
  return tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 }).apply(x) as Sym;
}

export function dense(x: Sym, name: string, units: number, activation: 'relu' | 'linear' = 'linear'): Sym {
  return tf.layers.dense({ name, units, activation, kernelInitializer: 'zeros' }).apply(x) as Sym;
}

export function flatten(x: Sym): Sym {
  return tf.layers.flatten({ name: 'flatten' }).apply(x) as Sym;
}

export function globalAvgPool(x: Sym): Sym {
  return tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as Sym;
}

/** `conv -> bn -> relu` with the conv's bias dropped (BN supplies the shift). */
export function convBnRelu(x: Sym, name: string, filters: number, kernelSize: number, strides = 1): Sym {
  const y = conv(x, name, filters, kernelSize, { strides, useBias: false });
  return relu(bn(y, `${name}_bn`), `${name}_relu`);
}

/** Channel count scaled by `width`, at least 1. */
export function scaled(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width));
}
