import type { PruneReport } from '../compress/index.js';
import { packEnvelope, unpackEnvelope } from '../shared/envelope.js';

/** A trial's pruning outcome as stored: the masks and the pruner's report (achieved ratios per layer). */
export interface StoredPruning {
  masks: Map<string, Uint8Array>;
  report: PruneReport | undefined;
}

interface Header {
  layers: { name: string; length: number }[];
  report: PruneReport | null;
}

/** Masks by layer name (1 = kept) to bytes: a JSON header (names, lengths, report), then the masks bit-packed. */
export function encodeMasks(masks: Map<string, Uint8Array>, report?: PruneReport): Uint8Array {
  const layers = [...masks].map(([name, m]) => ({ name, length: m.length }));
  const total = layers.reduce((a, l) => a + Math.ceil(l.length / 8), 0);
  const bits = new Uint8Array(total);
  let o = 0;
  for (const m of masks.values()) {
    for (let i = 0; i < m.length; i++) if (m[i]) bits[o + (i >> 3)]! |= 1 << (i & 7);
    o += Math.ceil(m.length / 8);
  }
  return packEnvelope({ layers, report: report ?? null } satisfies Header, bits);
}

export function decodeMasks(bytes: Uint8Array): StoredPruning {
  const { meta, payload } = unpackEnvelope<Header>(bytes);
  const masks = new Map<string, Uint8Array>();
  let o = 0;
  for (const { name, length } of meta.layers) {
    const m = new Uint8Array(length);
    for (let i = 0; i < length; i++) m[i] = (payload[o + (i >> 3)]! >> (i & 7)) & 1;
    masks.set(name, m);
    o += Math.ceil(length / 8);
  }
  return { masks, report: meta.report ?? undefined };
}
