import { packEnvelope, unpackEnvelope } from '../shared/envelope.js';

/** Masks by layer name (1 = kept) to bytes: a JSON index of names and lengths, then the masks bit-packed. */
export function encodeMasks(masks: Map<string, Uint8Array>): Uint8Array {
  const index = [...masks].map(([name, m]) => ({ name, length: m.length }));
  const total = index.reduce((a, l) => a + Math.ceil(l.length / 8), 0);
  const bits = new Uint8Array(total);
  let o = 0;
  for (const m of masks.values()) {
    for (let i = 0; i < m.length; i++) if (m[i]) bits[o + (i >> 3)]! |= 1 << (i & 7);
    o += Math.ceil(m.length / 8);
  }
  return packEnvelope(index, bits);
}

export function decodeMasks(bytes: Uint8Array): Map<string, Uint8Array> {
  const { meta, payload } = unpackEnvelope<{ name: string; length: number }[]>(bytes);
  const out = new Map<string, Uint8Array>();
  let o = 0;
  for (const { name, length } of meta) {
    const m = new Uint8Array(length);
    for (let i = 0; i < length; i++) m[i] = (payload[o + (i >> 3)]! >> (i & 7)) & 1;
    out.set(name, m);
    o += Math.ceil(length / 8);
  }
  return out;
}
