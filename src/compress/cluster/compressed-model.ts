/**
 * Compact byte format of a compressed model (pure; no tfjs): per layer the pruning mask (1 bit per
 * weight), the stored weights (fp32, b-bit two's-complement fixed-point codes, or cluster codes at
 * `ceil(log2(K+1))` bits + fp32 codebooks), the activation format (fixed-point bits/FL or fp32
 * centroids) and an optional fp32 bias. With a mask, only kept positions are stored.
 *
 * Layout: `"HWCM"`, version byte (1), u32 LE header length, UTF-8 JSON header, then the binary
 * sections the header points to (byte offsets relative to the end of the header).
 */
import { HwsweepError, checkArg } from '../../errors.js';
import { codeBits, packSigned, packUnsigned, unpackSigned, unpackUnsigned } from './bitpack.js';
import type { Granularity } from './tensor.js';

export type CompressedWeights =
  | { format: 'fp32'; values: Float32Array }
  /** Codes in `[-2^(bits-1), 2^(bits-1)-1]`, value `code·2^-fl`, one per weight in kernel order. */
  | { format: 'fixed'; bits: number; fl: number; codes: Int32Array }
  /** Codes (0 = zero, j = codebook[j-1]) per weight in kernel order; one codebook or one per output channel. */
  | { format: 'clustered'; granularity: Granularity; codes: Uint8Array | Uint16Array; codebooks: Float32Array[] };

export type CompressedActivation =
  { format: 'fixed'; bits: number; fl: number } | { format: 'clustered'; centroids: Float32Array };

export interface CompressedLayer {
  name: string;
  /** Kernel shape (HWIO `[kh, kw, inC, outC]`, dense `[inC, outC]`). */
  shape: number[];
  /** 0/1 mask in kernel order (1 = kept); when present only kept positions are stored. */
  mask?: Uint8Array;
  weights: CompressedWeights;
  activation?: CompressedActivation;
  bias?: Float32Array;
}

export interface CompressedModel {
  name: string;
  layers: CompressedLayer[];
}

const MAGIC = [0x48, 0x57, 0x43, 0x4d]; // "HWCM"
const VERSION = 1;

interface Section {
  o: number;
  n: number;
}

function f32Bytes(a: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat32(i * 4, a[i] as number, true);
  return out;
}

function f32From(b: Uint8Array): Float32Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(b.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

function stored<T extends ArrayLike<number>>(values: T, mask: Uint8Array | undefined): number[] | T {
  if (!mask) return values;
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(values[i] as number);
  return out;
}

/** Serialises to bytes (see module doc for the layout). */
export function serializeCompressed(m: CompressedModel): Uint8Array {
  const sections: Uint8Array[] = [];
  let offset = 0;
  const add = (b: Uint8Array): Section => {
    sections.push(b);
    const s = { o: offset, n: b.length };
    offset += b.length;
    return s;
  };
  const layers = m.layers.map((l) => {
    const size = l.shape.reduce((a, b) => a * b, 1);
    if (l.mask)
      checkArg(
        l.mask.length === size,
        'serializeCompressed',
        `${l.name}.mask.length`,
        l.mask.length,
        `the kernel size ${size}`,
      );
    const w = l.weights;
    const wl = w.format === 'fp32' ? w.values.length : w.codes.length;
    checkArg(wl === size, 'serializeCompressed', `${l.name}.weights.length`, wl, `the kernel size ${size}`);
    const h: Record<string, unknown> = { name: l.name, shape: l.shape, format: w.format };
    if (l.mask) h['mask'] = add(packUnsigned(l.mask, 1));
    if (w.format === 'fp32') h['values'] = add(f32Bytes(stored(w.values, l.mask)));
    else if (w.format === 'fixed')
      Object.assign(h, { bits: w.bits, fl: w.fl, codes: add(packSigned(stored(w.codes, l.mask), w.bits)) });
    else {
      const bits = codeBits(w.codebooks.reduce((k, c) => Math.max(k, c.length), 0));
      Object.assign(h, {
        granularity: w.granularity,
        codeBits: bits,
        codes: add(packUnsigned(stored(w.codes, l.mask), bits)),
        codebookSizes: w.codebooks.map((c) => c.length),
        codebooks: add(f32Bytes(w.codebooks.flatMap((c) => Array.from(c)))),
      });
    }
    if (l.activation) {
      const a = l.activation;
      h['activation'] =
        a.format === 'fixed'
          ? { format: 'fixed', bits: a.bits, fl: a.fl }
          : { format: 'clustered', centroids: add(f32Bytes(a.centroids)) };
    }
    if (l.bias) h['bias'] = add(f32Bytes(l.bias));
    return h;
  });
  const header = new TextEncoder().encode(JSON.stringify({ name: m.name, layers }));
  const out = new Uint8Array(9 + header.length + offset);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  new DataView(out.buffer).setUint32(5, header.length, true);
  out.set(header, 9);
  let o = 9 + header.length;
  for (const s of sections) {
    out.set(s, o);
    o += s.length;
  }
  return out;
}

interface LayerHeader {
  name: string;
  shape: number[];
  format: 'fp32' | 'fixed' | 'clustered';
  mask?: Section;
  values?: Section;
  bits?: number;
  fl?: number;
  codes?: Section;
  granularity?: Granularity;
  codeBits?: number;
  codebookSizes?: number[];
  codebooks?: Section;
  activation?: { format: 'fixed'; bits: number; fl: number } | { format: 'clustered'; centroids: Section };
  bias?: Section;
}

function scatter<T extends Int32Array | Uint8Array | Uint16Array | Float32Array>(
  out: T,
  vals: ArrayLike<number>,
  mask: Uint8Array | undefined,
): T {
  if (!mask) {
    for (let i = 0; i < vals.length; i++) out[i] = vals[i] as number;
    return out;
  }
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[i] = vals[k++] as number;
  return out;
}

/** Parses bytes written by `serializeCompressed`. Throws INVALID_ARGUMENT on a bad magic/version. */
export function deserializeCompressed(bytes: Uint8Array): CompressedModel {
  const ok = bytes.length >= 9 && MAGIC.every((b, i) => bytes[i] === b);
  checkArg(
    ok,
    'deserializeCompressed',
    'magic',
    Array.from(bytes.subarray(0, 4)).join(','),
    'the "HWCM" magic of a compressed model',
  );
  checkArg(bytes[4] === VERSION, 'deserializeCompressed', 'version', bytes[4], `${VERSION}`);
  const hl = new DataView(bytes.buffer, bytes.byteOffset).getUint32(5, true);
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(9, 9 + hl))) as {
    name: string;
    layers: LayerHeader[];
  };
  const base = 9 + hl;
  const sec = (s: Section | undefined): Uint8Array => {
    if (!s)
      throw new HwsweepError(
        'INVALID_ARGUMENT',
        'deserializeCompressed: a section referenced by the header is missing',
      );
    return bytes.subarray(base + s.o, base + s.o + s.n);
  };
  const layers = head.layers.map((h): CompressedLayer => {
    const size = h.shape.reduce((a, b) => a * b, 1);
    const mask = h.mask ? Uint8Array.from(unpackUnsigned(sec(h.mask), size, 1)) : undefined;
    const n = mask ? mask.reduce((a, b) => a + b, 0) : size;
    let weights: CompressedWeights;
    if (h.format === 'fp32')
      weights = { format: 'fp32', values: scatter(new Float32Array(size), f32From(sec(h.values)), mask) };
    else if (h.format === 'fixed') {
      const bits = h.bits as number;
      weights = {
        format: 'fixed',
        bits,
        fl: h.fl as number,
        codes: scatter(new Int32Array(size), unpackSigned(sec(h.codes), n, bits), mask),
      };
    } else {
      const sizes = h.codebookSizes ?? [];
      const flat = f32From(sec(h.codebooks));
      let o = 0;
      const codebooks = sizes.map((k) => flat.slice(o, (o += k)));
      const kMax = sizes.reduce((a, b) => Math.max(a, b), 0);
      const codes = scatter(
        kMax <= 255 ? new Uint8Array(size) : new Uint16Array(size),
        unpackUnsigned(sec(h.codes), n, h.codeBits as number),
        mask,
      );
      weights = { format: 'clustered', granularity: h.granularity ?? 'layer', codes, codebooks };
    }
    const a = h.activation;
    const activation: CompressedActivation | undefined =
      a === undefined
        ? undefined
        : a.format === 'fixed'
          ? { format: 'fixed', bits: a.bits, fl: a.fl }
          : { format: 'clustered', centroids: f32From(sec(a.centroids)) };
    return {
      name: h.name,
      shape: h.shape,
      weights,
      ...(mask ? { mask } : {}),
      ...(activation ? { activation } : {}),
      ...(h.bias ? { bias: f32From(sec(h.bias)) } : {}),
    };
  });
  return { name: head.name, layers };
}

/** Dense kernel values of a compressed layer (Float32Array in kernel order; masked positions 0). */
export function decodeLayerWeights(l: CompressedLayer): Float32Array {
  const w = l.weights;
  const size = l.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (w.format === 'fp32') out.set(w.values);
  else if (w.format === 'fixed') {
    const eps = 2 ** -w.fl;
    for (let i = 0; i < size; i++) out[i] = (w.codes[i] as number) * eps;
  } else {
    const outC = l.shape[l.shape.length - 1] as number;
    for (let i = 0; i < size; i++) {
      const c = w.codes[i] as number;
      if (c === 0) continue;
      const book = (w.granularity === 'layer' ? w.codebooks[0] : w.codebooks[i % outC]) as Float32Array;
      out[i] = book[c - 1] as number;
    }
  }
  if (l.mask) for (let i = 0; i < size; i++) if (!l.mask[i]) out[i] = 0;
  return out;
}
