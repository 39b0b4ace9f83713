import { packEnvelope, unpackEnvelope } from '../shared/envelope.js';
import type { LayerDescriptor } from '../shared/layer.js';
import type { SparseEncoding } from '../shared/storage-bits.js';

/**
 * Everything the simulator needs about one compressed network, stored as one artefact so that `sim` workers need
 * neither tfjs nor the dataset: layer descriptors, per-layer widths / clusters / activation density, the real
 * pruning masks (1 = kept, weight layout) and cluster codes (0 = zero, 1..K).
 */
export interface SimInput {
  layers: LayerDescriptor[];
  perLayer: {
    name: string;
    weightBits: number | null;
    /** How quantized weights are written (`pow2`: powers of two, shifts instead of multiplications); absent in older inputs. */
    weightFormat?: 'fixed' | 'pow2' | null;
    activationBits: number | null;
    weightClusters: number | null;
    activationClusters: number | null;
    activationDensity: number | null;
    /**
     * How the pruned weights are stored (from the pruning method, the same encoding the compression accounting
     * used), so the simulator counts the same bits; absent in inputs stored before it existed (then inferred).
     */
    sparsity?: SparseEncoding | null;
  }[];
  masks: Map<string, Uint8Array>;
  codes: Map<string, Uint16Array>;
}

interface Header {
  layers: LayerDescriptor[];
  perLayer: SimInput['perLayer'];
  masks: { name: string; length: number }[];
  codes: { name: string; length: number }[];
}

export function encodeSimInput(s: SimInput): Uint8Array {
  const masks = [...s.masks].map(([name, m]) => ({ name, length: m.length }));
  const codes = [...s.codes].map(([name, c]) => ({ name, length: c.length }));
  const size = masks.reduce((a, m) => a + m.length, 0) + 2 * codes.reduce((a, c) => a + c.length, 0);
  const payload = new Uint8Array(size);
  let o = 0;
  for (const m of s.masks.values()) {
    payload.set(m, o);
    o += m.length;
  }
  for (const c of s.codes.values()) {
    payload.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), o);
    o += c.byteLength;
  }
  const header: Header = { layers: s.layers, perLayer: s.perLayer, masks, codes };
  return packEnvelope(header, payload);
}

export function decodeSimInput(bytes: Uint8Array): SimInput {
  const { meta, payload } = unpackEnvelope<Header>(bytes);
  const copy = Uint8Array.from(payload); // aligned copy for the Uint16 views
  let o = 0;
  const masks = new Map<string, Uint8Array>();
  for (const m of meta.masks) {
    masks.set(m.name, copy.subarray(o, o + m.length));
    o += m.length;
  }
  const codes = new Map<string, Uint16Array>();
  for (const c of meta.codes) {
    codes.set(c.name, new Uint16Array(copy.slice(o, o + 2 * c.length).buffer));
    o += 2 * c.length;
  }
  return { layers: meta.layers, perLayer: meta.perLayer, masks, codes };
}
