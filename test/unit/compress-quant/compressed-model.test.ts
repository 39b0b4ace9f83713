import { describe, expect, it } from 'vitest';
import {
  type CompressedModel,
  clusterTensor,
  codeBits,
  decodeLayerWeights,
  decodeTensor,
  deserializeCompressed,
  serializeCompressed,
} from '../../../src/compress/cluster/index.js';
import { fromCodes, toCodes } from '../../../src/compress/quantize/index.js';
import { Rng } from '../../../src/shared/rng.js';

function randomKernel(rng: Rng, n: number, zeroFrac: number): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < zeroFrac ? 0 : rng.normal() * 0.2));
}

describe('compressed model bytes', () => {
  const rng = new Rng(31);
  const shapeA = [3, 3, 4, 8];
  const a = randomKernel(rng, 288, 0);
  const maskA = Uint8Array.from({ length: 288 }, () => (rng.next() < 0.3 ? 1 : 0));
  const shapeB = [40, 10];
  const b = randomKernel(rng, 400, 0.5);
  const clB = clusterTensor(b, shapeB, 16, { granularity: 'channel', clampK: true });
  const shapeC = [5, 5, 1, 6];
  const c = randomKernel(rng, 150, 0.1);
  const clC = clusterTensor(c, shapeC, 4);
  const m: CompressedModel = {
    name: 'tiny',
    layers: [
      {
        name: 'conv1',
        shape: shapeA,
        mask: maskA,
        weights: {
          format: 'fixed',
          bits: 4,
          fl: 3,
          codes: toCodes(
            a.map((v, i) => (maskA[i] ? v : 0)),
            { bits: 4, fl: 3 },
          ),
        },
        activation: { format: 'fixed', bits: 8, fl: 5 },
        bias: Float32Array.from([0.5, -1, 2, 0, 0, 0, 0, 1]),
      },
      {
        name: 'fc1',
        shape: shapeB,
        mask: Uint8Array.from(b, (v) => (v !== 0 ? 1 : 0)),
        weights: { format: 'clustered', granularity: 'channel', codes: clB.codes, codebooks: clB.codebooks },
        activation: { format: 'clustered', centroids: Float32Array.from([0.1, 0.7, 2.5]) },
      },
      {
        name: 'conv0',
        shape: shapeC,
        weights: { format: 'clustered', granularity: 'layer', codes: clC.codes, codebooks: clC.codebooks },
      },
      {
        name: 'fc2',
        shape: [4, 2],
        weights: { format: 'fp32', values: Float32Array.from([1, -2, 3.25, 0, 1e-8, 7, -0.5, 2]) },
      },
    ],
  };

  it('round-trips every field exactly', () => {
    const back = deserializeCompressed(serializeCompressed(m));
    expect(back.name).toBe('tiny');
    expect(back.layers.map((l) => l.name)).toEqual(['conv1', 'fc1', 'conv0', 'fc2']);
    back.layers.forEach((l, i) => {
      const o = m.layers[i]!;
      expect(l.shape).toEqual(o.shape);
      expect(l.mask ? Array.from(l.mask) : undefined).toEqual(o.mask ? Array.from(o.mask) : undefined);
      expect(Array.from(decodeLayerWeights(l))).toEqual(Array.from(decodeLayerWeights(o)));
      expect(l.activation?.format).toBe(o.activation?.format);
    });
    const w0 = back.layers[0]!.weights;
    expect(w0.format === 'fixed' && [w0.bits, w0.fl]).toEqual([4, 3]);
    expect(Array.from(back.layers[0]!.bias!)).toEqual([0.5, -1, 2, 0, 0, 0, 0, 1]);
    const a1 = back.layers[1]!.activation;
    expect(a1?.format === 'clustered' && Array.from(a1.centroids)).toEqual(
      Array.from(Float32Array.from([0.1, 0.7, 2.5])),
    );
    // decoded clustered weights are the clustered tensor; fixed ones are code * 2^-FL under the mask
    expect(Array.from(decodeLayerWeights(back.layers[1]!))).toEqual(Array.from(decodeTensor(clB)));
    expect(Array.from(decodeLayerWeights(back.layers[2]!))).toEqual(Array.from(decodeTensor(clC)));
    const fixed = fromCodes(toCodes(a, { bits: 4, fl: 3 }), 3).map((v, i) => (maskA[i] ? v : 0));
    expect(Array.from(decodeLayerWeights(back.layers[0]!))).toEqual(Array.from(fixed));
  });

  it('is compact: masks at 1 bit, codes at ceil(log2(K+1)) bits over kept positions only', () => {
    const bytes = serializeCompressed(m);
    const hl = new DataView(bytes.buffer).getUint32(5, true);
    const payload = bytes.length - 9 - hl;
    const kA = maskA.reduce((s, v) => s + v, 0);
    const kB = b.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0);
    const kEffB = Math.max(...clB.codebooks.map((cb) => cb.length));
    const conv1 = Math.ceil(288 / 8) + Math.ceil((kA * 4) / 8) + 8 * 4; // mask, 4-bit codes, bias
    const fc1 =
      Math.ceil(400 / 8) +
      Math.ceil((kB * codeBits(kEffB)) / 8) +
      clB.codebooks.reduce((s, cb) => s + cb.length * 4, 0) +
      3 * 4;
    const conv0 = Math.ceil((150 * codeBits(clC.codebooks[0]!.length)) / 8) + clC.codebooks[0]!.length * 4;
    expect(payload).toBe(conv1 + fc1 + conv0 + 8 * 4);
  });

  it('rejects foreign bytes and size mismatches', () => {
    expect(() => deserializeCompressed(new Uint8Array([1, 2, 3, 4, 1, 0, 0, 0, 0]))).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: deserializeCompressed: magic = 1,2,3,4 is not the "HWCM" magic of a compressed model]`,
    );
    expect(() =>
      serializeCompressed({
        name: 'x',
        layers: [{ name: 'l', shape: [2, 2], weights: { format: 'fp32', values: new Float32Array(3) } }],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: serializeCompressed: l.weights.length = 3 is not the kernel size 4]`,
    );
  });
});
