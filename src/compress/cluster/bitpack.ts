/**
 * Dense bit packing for compact serialisation: unsigned codes at `bits` bits each (LSB-first within
 * a little-endian bit stream), signed fixed-point codes (two's complement at `bits`), and 0/1 masks.
 */
import { checkArg } from '../../errors.js';

/** Bits needed for cluster codes with code 0 reserved: `ceil(log2(K + 1))` (K = 0 -> 0 bits). */
export function codeBits(k: number): number {
  checkArg(Number.isInteger(k) && k >= 0, 'codeBits', 'K', k, 'an integer >= 0');
  return k === 0 ? 0 : Math.ceil(Math.log2(k + 1));
}

/** Packs unsigned integers `0 <= v < 2^bits` (bits in [0, 32]) into `ceil(n·bits/8)` bytes. */
export function packUnsigned(values: ArrayLike<number>, bits: number): Uint8Array {
  checkArg(Number.isInteger(bits) && bits >= 0 && bits <= 32, 'packUnsigned', 'bits', bits, 'an integer in [0, 32]');
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  if (bits === 0) return out;
  const lim = 2 ** bits;
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    checkArg(
      Number.isInteger(v) && v >= 0 && v < lim,
      'packUnsigned',
      `values[${i}]`,
      v,
      `an integer in [0, ${lim - 1}]`,
    );
    let rem = v;
    for (let b = 0; b < bits; b++) {
      if (rem % 2 === 1) out[pos >>> 3] = (out[pos >>> 3] as number) | (1 << (pos & 7));
      rem = Math.floor(rem / 2);
      pos++;
    }
  }
  return out;
}

/** Inverse of `packUnsigned`: `n` values of `bits` bits. */
export function unpackUnsigned(bytes: Uint8Array, n: number, bits: number): Uint32Array {
  checkArg(
    bytes.length >= Math.ceil((n * bits) / 8),
    'unpackUnsigned',
    'bytes.length',
    bytes.length,
    `>= ${Math.ceil((n * bits) / 8)}`,
  );
  const out = new Uint32Array(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    let scale = 1;
    for (let b = 0; b < bits; b++) {
      if (((bytes[pos >>> 3] as number) >>> (pos & 7)) & 1) v += scale;
      scale *= 2;
      pos++;
    }
    out[i] = v;
  }
  return out;
}

/** Packs signed integers in `[-2^(bits-1), 2^(bits-1)-1]` as two's complement at `bits` bits (1..32). */
export function packSigned(values: ArrayLike<number>, bits: number): Uint8Array {
  checkArg(Number.isInteger(bits) && bits >= 1 && bits <= 32, 'packSigned', 'bits', bits, 'an integer in [1, 32]');
  const off = 2 ** bits;
  const u = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    checkArg(
      Number.isInteger(v) && v >= -off / 2 && v < off / 2,
      'packSigned',
      `values[${i}]`,
      v,
      `an integer in [${-off / 2}, ${off / 2 - 1}]`,
    );
    u[i] = v < 0 ? v + off : v;
  }
  return packUnsigned(u, bits);
}

/** Inverse of `packSigned`. */
export function unpackSigned(bytes: Uint8Array, n: number, bits: number): Int32Array {
  const u = unpackUnsigned(bytes, n, bits);
  const off = 2 ** bits;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = u[i] as number;
    out[i] = v >= off / 2 ? v - off : v;
  }
  return out;
}
