import { HwsweepError } from '../../errors.js';

/**
 * A tiny binary container: `"HWNN"`, uint32 version, uint32 header length, UTF-8 JSON header,
 * zero padding to 4 bytes, then the raw little-endian blobs in header order. Used for checkpoints
 * and weight files, so both stay plain bytes (artifact store, Temporal-free).
 */
const MAGIC = 0x4e4e5748; // "HWNN" little-endian
const VERSION = 1;

export type Blob = { key: string; data: Float32Array | Uint8Array; shape: number[] };
interface BlobMeta {
  key: string;
  dtype: 'float32' | 'uint8';
  shape: number[];
  length: number;
}

export function pack(meta: Record<string, unknown>, blobs: Blob[]): Uint8Array {
  const entries: BlobMeta[] = blobs.map((b) => ({
    key: b.key,
    dtype: b.data instanceof Float32Array ? 'float32' : 'uint8',
    shape: b.shape,
    length: b.data.length,
  }));
  const header = new TextEncoder().encode(JSON.stringify({ meta, entries }));
  const pad = (n: number): number => (n + 3) & ~3;
  let size = pad(12 + header.length);
  for (const b of blobs) size += pad(b.data.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let at = pad(12 + header.length);
  for (const b of blobs) {
    out.set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength), at);
    at += pad(b.data.byteLength);
  }
  return out;
}

export function unpack(bytes: Uint8Array, what: string): { meta: Record<string, unknown>; blobs: Map<string, Blob> } {
  const bad = (why: string): HwsweepError =>
    new HwsweepError('INVALID_ARGUMENT', `${what}: not a valid hwsweep weights/checkpoint file (${why})`, {
      context: { bytes: bytes.length },
    });
  if (bytes.length < 12) throw bad(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('bad magic');
  if (view.getUint32(4, true) !== VERSION) throw bad(`version ${view.getUint32(4, true)}, expected ${VERSION}`);
  const hLen = view.getUint32(8, true);
  if (12 + hLen > bytes.length) throw bad('truncated header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hLen))) as {
    meta: Record<string, unknown>;
    entries: BlobMeta[];
  };
  const pad = (n: number): number => (n + 3) & ~3;
  let at = pad(12 + hLen);
  const blobs = new Map<string, Blob>();
  for (const e of header.entries) {
    const byteLen = e.dtype === 'float32' ? e.length * 4 : e.length;
    if (at + byteLen > bytes.length) throw bad(`truncated at ${e.key}`);
    const copy = bytes.slice(at, at + byteLen); // aligned copy
    const data = e.dtype === 'float32' ? new Float32Array(copy.buffer, 0, e.length) : copy;
    blobs.set(e.key, { key: e.key, data, shape: e.shape });
    at += pad(byteLen);
  }
  return { meta: header.meta, blobs };
}
