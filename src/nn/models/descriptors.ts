import type * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';
import { fcDescriptor, type LayerDescriptor } from '../../shared/layer.js';
import { prunableLayers } from './weights.js';

/**
 * Resolves tfjs/TF padding to explicit pixels along one axis.
 * 'same': `out = ceil(in / s)`, total = `max((out - 1) * s + k - in, 0)`, the extra pixel goes to the
 * bottom/right (TF rule). 'valid': `out = floor((in - k) / s) + 1`, no padding.
 */
export function resolvePadding(
  padding: 'same' | 'valid',
  inSize: number,
  kernel: number,
  stride: number,
): { out: number; before: number; after: number } {
  if (padding === 'valid') return { out: Math.floor((inSize - kernel) / stride) + 1, before: 0, after: 0 };
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

function pair(v: unknown): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1] ?? v[0])];
  return [Number(v), Number(v)];
}

/**
 * One `LayerDescriptor` per conv / depthwise / dense layer, in model order (batch 1, NHWC).
 * Dense layers after `flatten` (or global pooling) get `inH = inW = 1`, `inC` = flattened size.
 */
export function layerDescriptors(model: tf.LayersModel): LayerDescriptor[] {
  return prunableLayers(model).map((name) => {
    const layer = model.getLayer(name);
    const cls = layer.getClassName();
    const inShape = (layer.input as tf.SymbolicTensor).shape;
    const weights = layer.weights;
    const kernel = weights.find((w) => /\/(depthwise_)?kernel$/.test(w.originalName));
    const hasBias = weights.some((w) => w.originalName.endsWith('/bias'));
    if (!kernel)
      throw new HwsweepError('SHAPE_MISMATCH', `layer "${name}" has no kernel`, { context: { layer: name } });
    const weightShape = kernel.shape as number[];
    if (cls === 'Dense') {
      const inC = Number(inShape[inShape.length - 1]);
      const outC = weightShape[1] ?? 0;
      return fcDescriptor(name, inC, outC, hasBias);
    }
    const cfg = layer.getConfig();
    const [kh, kw] = pair(cfg['kernelSize']);
    const [sh, sw] = pair(cfg['strides']);
    const padding = cfg['padding'] === 'same' ? 'same' : 'valid';
    const [inH, inW, inC] = [Number(inShape[1]), Number(inShape[2]), Number(inShape[3])];
    const ph = resolvePadding(padding, inH, kh, sh);
    const pw = resolvePadding(padding, inW, kw, sw);
    const depthwise = cls === 'DepthwiseConv2D';
    const outC = depthwise ? inC * (weightShape[3] ?? 1) : (weightShape[3] ?? 0);
    return {
      name,
      kind: depthwise ? 'depthwise' : 'conv',
      inH,
      inW,
      inC,
      outC,
      kernelH: kh,
      kernelW: kw,
      strideH: sh,
      strideW: sw,
      padTop: ph.before,
      padBottom: ph.after,
      padLeft: pw.before,
      padRight: pw.after,
      groups: depthwise ? inC : 1,
      outH: ph.out,
      outW: pw.out,
      weightShape,
      hasBias,
    } satisfies LayerDescriptor;
  });
}
