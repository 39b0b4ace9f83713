/**
 * The protobuf wire format, just enough for the few small messages `hwsweep status` exchanges with Temporal
 * (health check, describe workflow, query workflow): varints and length-delimited fields, unknown fields skipped.
 *
 * Why not protobufjs or @temporalio/proto: `status` must answer in well under 0.3 s, and loading @temporalio/client
 * (~0.5 s here) or even protobufjs/minimal (~25 ms) spends that budget before the first byte is sent. The messages
 * are pinned field by field against @temporalio/proto's own encoder in test/unit/cli/grpc-wire.test.ts.
 */

/** A field value to encode: a string (UTF-8), bytes or a nested message (already encoded), or a varint. */
export type FieldValue = string | Uint8Array | number;

/** Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit (3/4, groups, are long deprecated). */
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`protobuf varint must be a safe integer >= 0, got ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80); // % and / keep values above 2^32 exact (bit operators would cut them to 32 bits)
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/**
 * Encodes a message from `[fieldNumber, value]` pairs in order. Numbers are varints (enums, bools, unsigned
 * ints); strings, bytes and nested messages are length-delimited. An empty string or 0 is still written (proto3
 * readers treat it as the default, as if absent), so leave a field out to omit it.
 */
export function encodeMessage(fields: readonly (readonly [number, FieldValue])[]): Uint8Array {
  const out: number[] = [];
  for (const [no, value] of fields) {
    if (typeof value === 'number') {
      pushVarint(out, no * 8 + VARINT);
      pushVarint(out, value);
      continue;
    }
    const bytes = typeof value === 'string' ? utf8.encode(value) : value;
    pushVarint(out, no * 8 + LEN);
    pushVarint(out, bytes.length);
    for (const b of bytes) out.push(b);
  }
  return Uint8Array.from(out);
}

/** A decoded message: per field number, its values in order (varints as numbers, the rest as bytes). */
export type DecodedMessage = Map<number, (number | Uint8Array)[]>;

/**
 * Decodes one message's fields. Varints above 2^53 come back rounded (none of the fields read here gets near it).
 * @throws RangeError on truncated or malformed input (a varint over 10 bytes, a length past the end, a group).
 */
export function decodeMessage(buf: Uint8Array): DecodedMessage {
  const fields: DecodedMessage = new Map();
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('protobuf: truncated varint');
      const b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new RangeError('protobuf: varint longer than 10 bytes');
    }
    return value;
  };
  const take = (n: number): Uint8Array => {
    if (pos + n > buf.length)
      throw new RangeError(`protobuf: field of ${n} bytes runs past the end of a ${buf.length}-byte message`);
    const bytes = buf.subarray(pos, pos + n);
    pos += n;
    return bytes;
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === VARINT) value = varint();
    else if (wire === LEN) value = take(varint());
    else if (wire === FIXED64) value = take(8);
    else if (wire === FIXED32) value = take(4);
    else throw new RangeError(`protobuf: unsupported wire type ${wire} (field ${no})`);
    if (no === 0) throw new RangeError('protobuf: field number 0');
    const list = fields.get(no);
    if (list) list.push(value);
    else fields.set(no, [value]);
  }
  return fields;
}

/** The last value of a varint field (proto3: the last one wins), or 0 (the default) when absent. */
export function varintField(m: DecodedMessage, no: number): number {
  const v = m.get(no)?.at(-1);
  if (v === undefined) return 0;
  if (typeof v !== 'number') throw new RangeError(`protobuf: field ${no} is length-delimited, expected a varint`);
  return v;
}

/** Every value of a length-delimited field (a repeated field, or a message split over several occurrences). */
export function bytesFields(m: DecodedMessage, no: number): Uint8Array[] {
  return (m.get(no) ?? []).map((v) => {
    if (typeof v === 'number') throw new RangeError(`protobuf: field ${no} is a varint, expected length-delimited`);
    return v;
  });
}

/**
 * A nested message field, decoded; an empty message when absent. Occurrences of a message field merge, so
 * their bytes are concatenated first (what the protobuf spec says a reader must do).
 */
export function messageField(m: DecodedMessage, no: number): DecodedMessage {
  const parts = bytesFields(m, no);
  if (parts.length <= 1) return decodeMessage(parts[0] ?? new Uint8Array());
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return decodeMessage(all);
}

/** A string field ('' when absent). */
export function stringField(m: DecodedMessage, no: number): string {
  const v = bytesFields(m, no).at(-1);
  return v ? fromUtf8.decode(v) : '';
}

/** Decodes UTF-8 bytes (fatal on invalid sequences: a payload is never silently altered). */
export function utf8Text(bytes: Uint8Array): string {
  return fromUtf8.decode(bytes);
}
