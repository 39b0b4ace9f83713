import type { LayerDescriptor } from '../../../src/shared/layer.js';
import { Rng } from '../../../src/shared/rng.js';

/** Conv descriptor (batch 1, NHWC) with explicit symmetric padding `pad`. */
export function conv(
  name: string,
  inH: number,
  inW: number,
  inC: number,
  outC: number,
  k: number,
  stride = 1,
  pad = 0,
  kind: LayerDescriptor['kind'] = 'conv',
): LayerDescriptor {
  const outH = Math.floor((inH + 2 * pad - k) / stride) + 1;
  const outW = Math.floor((inW + 2 * pad - k) / stride) + 1;
  const groups = kind === 'depthwise' ? inC : 1;
  return {
    name,
    kind,
    inH,
    inW,
    inC,
    outC,
    kernelH: k,
    kernelW: k,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padBottom: pad,
    padLeft: pad,
    padRight: pad,
    groups,
    outH,
    outW,
    weightShape: kind === 'depthwise' ? [k, k, inC, outC / inC] : [k, k, inC / groups, outC],
    hasBias: true,
  };
}

export function fc(name: string, inC: number, outC: number): LayerDescriptor {
  return { ...conv(name, 1, 1, inC, outC, 1), kind: 'fc', weightShape: [inC, outC] };
}

/** HWIO `[1,1,C,K]` mask from one bit string per output channel (char c = input channel c). */
export function maskFromStrings(perOut: string[]): Uint8Array {
  const K = perOut.length;
  const C = (perOut[0] as string).length;
  const m = new Uint8Array(C * K);
  perOut.forEach((s, k) => {
    for (let c = 0; c < C; c++) m[c * K + k] = s[c] === '1' ? 1 : 0;
  });
  return m;
}

/**
 * Group-balanced random mask for HWIO `[taps, C, K]`: in every group of g consecutive channels at a
 * tap and output channel, exactly n are kept (partial last group: min(len, n)).
 */
export function balancedMask(taps: number, C: number, K: number, g: number, n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const m = new Uint8Array(taps * C * K);
  const idx: number[] = [];
  for (let t = 0; t < taps; t++)
    for (let k = 0; k < K; k++)
      for (let q = 0; q * g < C; q++) {
        const len = Math.min(g, C - q * g);
        idx.length = 0;
        for (let i = 0; i < len; i++) idx.push(i);
        rng.shuffle(idx);
        for (let i = 0; i < Math.min(n, len); i++) m[(t * C + q * g + (idx[i] as number)) * K + k] = 1;
      }
  return m;
}

/** Unstructured random mask keeping each weight with probability `keep`. */
export function randomMask(n: number, keep: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = rng.next() < keep ? 1 : 0;
  return m;
}
