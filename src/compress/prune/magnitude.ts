/**
 * Unstructured magnitude pruning (Han et al. 2015), per layer or global across layers.
 *
 * Selection is exact and sort-free: the IEEE-754 bit pattern of `|w|` (sign bit cleared) is
 * monotone in `|w|`, so a two-level 16-bit radix histogram over those bits finds the k-th
 * smallest magnitude in two passes without copying the weights (METHODS §6.2 step 3 quantile form).
 * Ties at the threshold: the lower flat index is kept (higher indices are pruned first);
 * in the global variant "flat index" runs over the layers in the order given.
 */
import { HwsweepError, checkArg } from '../../errors.js';
import { checkMaskLength, checkRatio, clamp, rna } from './params.js';

const NAN_KEY = 0x7f800000; // |w| bits above this are NaN

/** Number of weights to prune out of `total` for `ratio`: `clamp(rna(ratio*total), 0, total-1)` (>= 1 weight kept). */
export function pruneCount(ratio: number, total: number): number {
  return total === 0 ? 0 : clamp(rna(ratio * total), 0, total - 1);
}

function bitsView(w: Float32Array): Uint32Array {
  return new Uint32Array(w.buffer, w.byteOffset, w.length);
}

/** Throws when a weight's `|w|` bits are a NaN pattern. Sort key of a weight: 0 if pruned in `prev`, else `bits(|w|) + 1`. */
function checkFinite(where: string, u: number): void {
  if (u > NAN_KEY)
    throw new HwsweepError('INVALID_ARGUMENT', `${where}: weights contain NaN (allowed: finite numbers)`);
}

interface Threshold {
  /** Key of the pruneCount-th smallest weight. */
  key: number;
  /** Weights with a smaller key (all pruned). */
  below: number;
  /** Weights with exactly this key. */
  equal: number;
}

/**
 * Histogram of key bits over all arrays: `hiBin < 0` counts `key >>> 16` (65536 bins), otherwise
 * counts `key & 0xffff` of the keys whose high half equals `hiBin`. Counts fit in uint32
 * (at most 2^32 - 1 weights in total).
 */
function histogram(
  where: string,
  ws: readonly Float32Array[],
  prevs: readonly (Uint8Array | undefined)[],
  hiBin: number,
): Uint32Array {
  const h = new Uint32Array(65536);
  for (let a = 0; a < ws.length; a++) {
    const u32 = bitsView(ws[a] as Float32Array);
    const prev = prevs[a];
    if (prev === undefined) {
      if (hiBin < 0) histHi(where, u32, h);
      else histLo(u32, h, hiBin);
    } else histPrev(where, u32, prev, h, hiBin);
  }
  return h;
}

/** Hot loop without a previous mask: key = (bits & 0x7fffffff) + 1. */
function histHi(where: string, u32: Uint32Array, h: Uint32Array): void {
  const n = u32.length;
  let maxU = 0;
  for (let i = 0; i < n; i++) {
    const u = (u32[i] as number) & 0x7fffffff;
    if (u > maxU) maxU = u;
    const b = (u + 1) >>> 16;
    h[b] = (h[b] as number) + 1;
  }
  if (maxU > NAN_KEY) checkFinite(where, maxU);
}

function histLo(u32: Uint32Array, h: Uint32Array, hiBin: number): void {
  const n = u32.length;
  for (let i = 0; i < n; i++) {
    const key = ((u32[i] as number) & 0x7fffffff) + 1;
    if (key >>> 16 === hiBin) {
      const b = key & 0xffff;
      h[b] = (h[b] as number) + 1;
    }
  }
}

function histPrev(where: string, u32: Uint32Array, prev: Uint8Array, h: Uint32Array, hiBin: number): void {
  const n = u32.length;
  for (let i = 0; i < n; i++) {
    const u = (u32[i] as number) & 0x7fffffff;
    if (u > NAN_KEY) checkFinite(where, u);
    const key = prev[i] ? u + 1 : 0;
    if (hiBin < 0) h[key >>> 16] = (h[key >>> 16] as number) + 1;
    else if (key >>> 16 === hiBin) h[key & 0xffff] = (h[key & 0xffff] as number) + 1;
  }
}

function findBin(h: Uint32Array, rank: number): { bin: number; before: number } {
  let cum = 0;
  for (let b = 0; b < h.length; b++) {
    const c = h[b] as number;
    if (cum + c >= rank) return { bin: b, before: cum };
    cum += c;
  }
  return { bin: h.length - 1, before: cum };
}

/** Exact radix selection of the `count`-th smallest key (count >= 1) over the concatenation of `ws`. */
function selectThreshold(
  where: string,
  ws: readonly Float32Array[],
  prevs: readonly (Uint8Array | undefined)[],
  count: number,
): Threshold {
  const hi = findBin(histogram(where, ws, prevs, -1), count);
  const loHist = histogram(where, ws, prevs, hi.bin);
  const lo = findBin(loHist, count - hi.before);
  return { key: (hi.bin << 16) | lo.bin, below: hi.before + lo.before, equal: loHist[lo.bin] as number };
}

function writeMasks(
  ws: readonly Float32Array[],
  prevs: readonly (Uint8Array | undefined)[],
  count: number,
): Uint8Array[] {
  const masks = ws.map((w) => new Uint8Array(w.length));
  if (count === 0) {
    for (const m of masks) m.fill(1);
    return masks;
  }
  const t = selectThreshold('magnitude', ws, prevs, count);
  const keepTies = t.equal - (count - t.below);
  let seen = 0;
  for (let a = 0; a < ws.length; a++) {
    const u32 = bitsView(ws[a] as Float32Array);
    const prev = prevs[a];
    const m = masks[a] as Uint8Array;
    seen =
      prev === undefined ? markNoPrev(u32, m, t.key, keepTies, seen) : markPrev(u32, prev, m, t.key, keepTies, seen);
  }
  return masks;
}

/** Writes the mask of one array: keys above the threshold kept, ties kept while `seen < keepTies`. Returns `seen`. */
function markNoPrev(u32: Uint32Array, m: Uint8Array, tKey: number, keepTies: number, seen: number): number {
  const n = u32.length;
  for (let i = 0; i < n; i++) {
    const key = ((u32[i] as number) & 0x7fffffff) + 1;
    if (key > tKey) m[i] = 1;
    else if (key === tKey) m[i] = seen++ < keepTies ? 1 : 0;
  }
  return seen;
}

function markPrev(
  u32: Uint32Array,
  prev: Uint8Array,
  m: Uint8Array,
  tKey: number,
  keepTies: number,
  seen: number,
): number {
  const n = u32.length;
  for (let i = 0; i < n; i++) {
    const key = prev[i] ? ((u32[i] as number) & 0x7fffffff) + 1 : 0;
    if (key > tKey) m[i] = 1;
    else if (key === tKey) m[i] = seen++ < keepTies ? 1 : 0;
  }
  return seen;
}

/** Options shared by the magnitude pruners. */
export interface MagnitudeOptions {
  /**
   * Mask of an earlier pruning step: its zeros are pruned first (they sort below every kept
   * weight, even a kept exact zero), which makes gradual schedules monotone. Default: none.
   */
  prevMask?: Uint8Array;
}

/**
 * Per-layer unstructured magnitude mask: prunes `clamp(rna(ratio*N), 0, N-1)` weights of smallest `|w|`.
 * @param w weights in any layout (HWIO `[kh, kw, inC, outC]`, dense `[inC, outC]`, ...), length N
 * @param ratio requested fraction of weights to zero, in [0, 1)
 * @returns mask, same length/layout as `w`, 1 = kept
 */
export function magnitudeMask(w: Float32Array, ratio: number, opts: MagnitudeOptions = {}): Uint8Array {
  checkRatio('magnitudeMask', ratio);
  checkMaskLength('magnitudeMask', opts.prevMask, w.length);
  return writeMasks([w], [opts.prevMask], pruneCount(ratio, w.length))[0] as Uint8Array;
}

/**
 * Global unstructured magnitude masks: one threshold over all layers together, so layers get
 * different ratios; `clamp(rna(ratio*ΣN), 0, ΣN-1)` weights are pruned in total.
 * @param ws weights per layer (any layout), in the order that defines the tie rule
 * @param prevMasks optional earlier masks, one per layer (see {@link MagnitudeOptions.prevMask})
 * @returns one mask per layer
 */
export function globalMagnitudeMasks(
  ws: readonly Float32Array[],
  ratio: number,
  prevMasks?: readonly (Uint8Array | undefined)[],
): Uint8Array[] {
  checkRatio('globalMagnitudeMasks', ratio);
  const prevs = ws.map((w, i) => {
    const p = prevMasks?.[i];
    checkMaskLength('globalMagnitudeMasks', p, w.length, `prevMasks[${i}]`);
    return p;
  });
  const total = ws.reduce((s, w) => s + w.length, 0);
  return writeMasks(ws, prevs, pruneCount(ratio, total));
}

/**
 * Magnitude of the `count`-th smallest `|w|` over the concatenation of `ws` (1 <= count <= ΣN),
 * found by radix selection (no sort, no copy). Exposed for the benchmark and for callers that
 * want a threshold rather than a mask.
 */
export function magnitudeThreshold(ws: readonly Float32Array[], count: number): number {
  const total = ws.reduce((s, w) => s + w.length, 0);
  checkArg(
    Number.isInteger(count) && count >= 1 && count <= total,
    'magnitudeThreshold',
    'count',
    count,
    `an integer in [1, ${total}]`,
  );
  const t = selectThreshold('magnitudeThreshold', ws, [], count);
  return new Float32Array(new Uint32Array([t.key - 1]).buffer)[0] as number;
}
