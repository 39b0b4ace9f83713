/** Small binary container used for artefacts: a JSON header followed by raw bytes. */

/** JSON envelope + binary payloads in one artefact: `[u32 jsonLength][json][payload…]`. */
export function packEnvelope(meta: unknown, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const out = new Uint8Array(4 + json.length + payload.byteLength);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(payload, 4 + json.length);
  return out;
}

export function unpackEnvelope<T>(bytes: Uint8Array): { meta: T; payload: Uint8Array } {
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const meta = JSON.parse(Buffer.from(bytes.subarray(4, 4 + n)).toString('utf8')) as T;
  return { meta, payload: bytes.subarray(4 + n) };
}
