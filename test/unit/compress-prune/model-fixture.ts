import type { LayerDescriptor, LayerKind } from '../../../src/shared/layer.js';
import { Rng } from '../../../src/shared/rng.js';

/** A layer descriptor with 'same' padding, stride 1 and the given weight shape. */
export function layer(name: string, kind: LayerKind, weightShape: number[], hw = 8): LayerDescriptor {
  const fc = kind === 'fc';
  const [kh, kw, c, k] = fc
    ? [1, 1, weightShape[0] ?? 1, weightShape[1] ?? 1]
    : (weightShape as [number, number, number, number]);
  const inC = c;
  const outC = kind === 'depthwise' ? c * k : k;
  return {
    name,
    kind,
    inH: fc ? 1 : hw,
    inW: fc ? 1 : hw,
    inC,
    outC,
    kernelH: kh,
    kernelW: kw,
    strideH: 1,
    strideW: 1,
    padTop: Math.floor((kh - 1) / 2),
    padBottom: Math.ceil((kh - 1) / 2),
    padLeft: Math.floor((kw - 1) / 2),
    padRight: Math.ceil((kw - 1) / 2),
    groups: kind === 'depthwise' ? c : 1,
    outH: fc ? 1 : hw,
    outW: fc ? 1 : hw,
    weightShape,
    hasBias: true,
  };
}

/** A small MobileNet-ish net: RGB conv, 3x3 conv, depthwise, pointwise, two FC layers. */
export function tinyModel(seed = 1): { layers: LayerDescriptor[]; weights: Map<string, Float32Array> } {
  const layers = [
    layer('conv1', 'conv', [3, 3, 3, 8]),
    layer('conv2', 'conv', [3, 3, 8, 20]),
    layer('dw3', 'depthwise', [3, 3, 20, 1]),
    layer('pw4', 'conv', [1, 1, 20, 16]),
    layer('fc1', 'fc', [64, 24]),
    layer('fc2', 'fc', [24, 10]),
  ];
  const rng = new Rng(seed);
  const weights = new Map(
    layers.map((l) => [
      l.name,
      Float32Array.from({ length: l.weightShape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    ]),
  );
  return { layers, weights };
}
