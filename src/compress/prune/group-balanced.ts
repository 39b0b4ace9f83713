/**
 * Group-balanced pruning (GBP; METHODS §1.2, §2.2, §4.2, §8): every full group keeps exactly the
 * same number of weights, ranked by `(-|w|, position in group)`, so ties keep the lower position.
 */
import { HwsweepError, checkArg } from '../../errors.js';
import { countKept } from './mask.js';
import { checkGroupSize, checkKeep, checkMaskLength, checkRatio, clamp, kernelDims, keepFromRatio, rna } from './params.js';

/**
 * Group shapes, for a kernel `W[i, j, c, k]` (HWIO `[R, S, C, K]`; dense `[C, K]` has R = S = 1):
 * - `vector` (default): `g` consecutive input channels `c` at one tap `(i, j)`, one output channel `k` (§1.2, §2.2);
 * - `block`: all `R*S` taps x one chunk of `g` input channels, one output channel (§2.2); ties keep
 *   the lower HWIO flat position `(i, j, c)`;
 * - `flat`: `g` consecutive entries of the flattened `(i, j, c)` axis (length `R*S*C`) of one output
 *   channel: the first-layer (`C < g`) variant of §4.2 step 4 / §8.1;
 * - `taps`: depthwise `[R, S, C, mult]`: `g` consecutive entries of the flattened `(i, j)` axis of
 *   one `(c, m)` kernel (§8.3 "taps-as-group").
 */
export const GroupShapes = ['vector', 'block', 'flat', 'taps'] as const;
export type GroupShape = (typeof GroupShapes)[number];

/** Keep count of the last, shorter group: `pad` -> `min(|G|, n)`, `proportional` -> `clamp(rna(|G|*n/F), 1, |G|)`. */
export const PartialPolicies = ['pad', 'proportional'] as const;
export type PartialPolicy = (typeof PartialPolicies)[number];

export interface GbpOptions {
  /** Group size `g` (input channels per group; for `block`, channels per chunk). Integer >= 1. */
  groupSize: number;
  /** Weights kept per full group of `g` (for `block`: kept per `g` channels, i.e. `keep*R*S` per block). Give this or `ratio`. */
  keep?: number;
  /** Requested pruning ratio in [0, 1): `p = clamp(rna(r*g), 0, g-1)`; `block`: `n_B = clamp(rna((1-r)*R*S*g), 1, R*S*g)`. */
  ratio?: number;
  /** @default 'vector' */
  groupShape?: GroupShape;
  /** @default 'pad' */
  partial?: PartialPolicy;
  /**
   * Mask of the previous step of a gradual schedule (§1.2 step 6, `M_t = GBP(W*M_{t-1}, n_t)`):
   * its zeros sort below every kept weight (even a kept exact zero), so masks stay monotone.
   */
  prevMask?: Uint8Array;
}

export interface GbpResult {
  /** Same length/layout as the weights, 1 = kept. */
  mask: Uint8Array;
  groupShape: GroupShape;
  groupSize: number;
  /** Size of a full group: `g`, or `R*S*g` for `block`. */
  fullGroupSize: number;
  /** Kept per full group (`n`, or `n_B` for `block`). */
  keepPerFullGroup: number;
  groups: number;
  fullGroups: number;
  kept: number;
  total: number;
  /** `1 - kept/total`, from the mask (partial groups included). */
  achievedRatio: number;
}

/** Keeps the `n` members of one group with largest `|w|` (ties: lower position). `mags` is scratch. */
function selectGroup(
  w: Float32Array,
  mask: Uint8Array,
  prev: Uint8Array | undefined,
  idx: Int32Array,
  m: number,
  n: number,
  mags: Float64Array,
): void {
  if (n >= m) {
    for (let t = 0; t < m; t++) mask[idx[t] as number] = 1;
    return;
  }
  for (let t = 0; t < m; t++) {
    const j = idx[t] as number;
    const a = Math.abs(w[j] as number);
    if (a !== a) throw new HwsweepError('INVALID_ARGUMENT', 'groupBalancedMask: weights contain NaN (allowed: finite numbers)');
    mags[t] = prev !== undefined && !prev[j] ? -1 : a;
  }
  if (n <= m - n) {
    for (let r = 0; r < n; r++) {
      let best = 0;
      let bv = -Infinity;
      for (let t = 0; t < m; t++) {
        const v = mags[t] as number;
        if (v > bv) {
          bv = v;
          best = t;
        }
      }
      mask[idx[best] as number] = 1;
      mags[best] = NaN; // taken: never compares greater
    }
  } else {
    for (let t = 0; t < m; t++) mask[idx[t] as number] = 1;
    for (let r = 0; r < m - n; r++) {
      let worst = 0;
      let wv = Infinity;
      for (let t = 0; t < m; t++) {
        const v = mags[t] as number;
        if (v <= wv) {
          wv = v;
          worst = t; // `<=`: among equal magnitudes the highest position is pruned first
        }
      }
      mask[idx[worst] as number] = 0;
      mags[worst] = NaN;
    }
  }
}

interface Plan {
  fullSize: number;
  nFull: number;
  partial: PartialPolicy;
}

function keepFor(plan: Plan, m: number): number {
  if (m === plan.fullSize) return plan.nFull;
  if (plan.partial === 'pad') return Math.min(m, plan.nFull);
  return clamp(rna((m * plan.nFull) / plan.fullSize), 1, m);
}

/**
 * Computes a group-balanced mask.
 * @param w kernel: conv HWIO `[R, S, C, K]`, dense `[C, K]`, or depthwise `[R, S, C, mult]` (`taps` only)
 * @param shape the kernel's shape (rank 4, or rank 2 for dense)
 */
export function groupBalancedMask(w: Float32Array, shape: readonly number[], opts: GbpOptions): GbpResult {
  const where = 'groupBalancedMask';
  const shapeKind = opts.groupShape ?? 'vector';
  const partial = opts.partial ?? 'pad';
  checkArg(GroupShapes.includes(shapeKind), where, 'groupShape', shapeKind, `one of ${GroupShapes.join(', ')}`);
  checkArg(PartialPolicies.includes(partial), where, 'partial', partial, `one of ${PartialPolicies.join(', ')}`);
  checkGroupSize(where, opts.groupSize);
  checkArg((opts.keep === undefined) !== (opts.ratio === undefined), where, 'keep/ratio', `${opts.keep}/${opts.ratio}`, 'exactly one of keep or ratio');
  const g = opts.groupSize;
  if (opts.keep !== undefined) checkKeep(where, opts.keep, g);
  if (opts.ratio !== undefined) checkRatio(where, opts.ratio);
  const { R, S, C, K } = kernelDims(where, w.length, shape);
  checkMaskLength(where, opts.prevMask, w.length);
  const blockFull = R * S * g;
  let nFull: number;
  if (shapeKind === 'block') {
    nFull = opts.keep !== undefined ? opts.keep * R * S : clamp(rna((1 - (opts.ratio ?? 0)) * blockFull), 1, blockFull);
  } else {
    nFull = opts.keep ?? keepFromRatio(opts.ratio ?? 0, g).keep;
  }
  const plan: Plan = { fullSize: shapeKind === 'block' ? blockFull : g, nFull, partial };
  const mask = new Uint8Array(w.length);
  const prev = opts.prevMask;
  const maxGroup = shapeKind === 'block' ? blockFull : g;
  const idx = new Int32Array(maxGroup);
  const mags = new Float64Array(maxGroup);
  let groups = 0;
  let fullGroups = 0;
  /** Line groups: `cols` independent lines of length `L`, member `t` of column `k` at `base + t*cols + k`. */
  const lines = (base: number, L: number, cols: number): void => {
    for (let q0 = 0; q0 < L; q0 += g) {
      const m = Math.min(g, L - q0);
      const n = keepFor(plan, m);
      for (let k = 0; k < cols; k++) {
        for (let t = 0; t < m; t++) idx[t] = base + (q0 + t) * cols + k;
        selectGroup(w, mask, prev, idx, m, n, mags);
      }
      groups += cols;
      if (m === g) fullGroups += cols;
    }
  };
  if (shapeKind === 'vector') {
    for (let tap = 0; tap < R * S; tap++) lines(tap * C * K, C, K);
  } else if (shapeKind === 'flat') {
    lines(0, R * S * C, K);
  } else if (shapeKind === 'taps') {
    checkArg(shape.length === 4, where, 'shape', `[${shape.join(',')}]`, 'a depthwise kernel [kh, kw, inC, mult] for groupShape taps');
    lines(0, R * S, C * K);
  } else {
    for (let q0 = 0; q0 < C; q0 += g) {
      const cw = Math.min(g, C - q0);
      const m = R * S * cw;
      const n = keepFor(plan, m);
      for (let k = 0; k < K; k++) {
        for (let tap = 0; tap < R * S; tap++) {
          for (let c = 0; c < cw; c++) idx[tap * cw + c] = (tap * C + q0 + c) * K + k;
        }
        selectGroup(w, mask, prev, idx, m, n, mags);
      }
      groups += K;
      if (cw === g) fullGroups += K;
    }
  }
  const kept = countKept(mask);
  return {
    mask,
    groupShape: shapeKind,
    groupSize: g,
    fullGroupSize: plan.fullSize,
    keepPerFullGroup: nFull,
    groups,
    fullGroups,
    kept,
    total: w.length,
    achievedRatio: w.length === 0 ? 0 : 1 - kept / w.length,
  };
}
