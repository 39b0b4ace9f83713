/**
 * Plain descriptions of a network's compute layers, shared by the training engine (which exports
 * them from a tfjs model), the compression library and the accelerator simulator (which consumes them).
 * No tensors here: weights travel as typed arrays in the layouts stated below.
 */

export const LayerKinds = ['conv', 'depthwise', 'fc'] as const;
export type LayerKind = (typeof LayerKinds)[number];

/**
 * One conv / depthwise / dense layer, batch 1, NHWC activations.
 *
 * Weight layouts (row-major, last axis fastest):
 * - conv: HWIO `[kernelH, kernelW, inC / groups, outC]`
 * - depthwise: `[kernelH, kernelW, inC, depthMultiplier]` (outC = inC * depthMultiplier)
 * - fc: `[inC, outC]` (inH = inW = kernelH = kernelW = 1 after flattening)
 */
export interface LayerDescriptor {
  /** Stable name that masks, quantizers, clustering and the simulator refer to (e.g. `conv1`, `fc2`). */
  name: string;
  kind: LayerKind;
  /** Input activation height/width/channels, unpadded. */
  inH: number;
  inW: number;
  inC: number;
  /** Output channels K. */
  outC: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  /** Explicit zero padding in pixels (tfjs 'same' resolved to numbers). */
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  /** 1 for conv and fc, inC for depthwise. */
  groups: number;
  /** Output height/width as the framework computes them (floor rule). */
  outH: number;
  outW: number;
  /** Weight tensor shape in the layout above. */
  weightShape: number[];
  hasBias: boolean;
}

/** Dense MACs of one layer for batch 1: `outH*outW*outC*kernelH*kernelW*(inC/groups)`. */
export function denseMacs(l: LayerDescriptor): number {
  return l.outH * l.outW * l.outC * l.kernelH * l.kernelW * (l.inC / l.groups);
}

/** Number of weights (without bias). */
export function weightCount(l: LayerDescriptor): number {
  return l.weightShape.reduce((a, b) => a * b, 1);
}

/** Descriptor of a dense layer `[inC] -> [outC]` (weights `[inC, outC]`), as seen after flattening. */
export function fcDescriptor(name: string, inC: number, outC: number, hasBias = true): LayerDescriptor {
  return {
    name,
    kind: 'fc',
    inH: 1,
    inW: 1,
    inC,
    outC,
    kernelH: 1,
    kernelW: 1,
    strideH: 1,
    strideW: 1,
    padTop: 0,
    padBottom: 0,
    padLeft: 0,
    padRight: 0,
    groups: 1,
    outH: 1,
    outW: 1,
    weightShape: [inC, outC],
    hasBias,
  };
}
