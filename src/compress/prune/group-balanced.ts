/**
 * Group-balanced pruning (GBP; METHODS §1.2, §2.2, §4.2, §8): every full group keeps exactly the
 * same number of weights, ranked by `(-|w|, position in group)`, so ties keep the lower position.
 */
import { HwsweepError, checkArg } from '../../errors.js';
import { countKept } from './mask.js';
import {
  checkGroupSize,
  checkKeep,
  checkMaskLength,
  checkRatio,
  clamp,
  kernelDims,
  keepFromRatio,
  rna,
} from './params.js';

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

/**
 * Selects inside one group stored contiguously at `vals[off .. off+m)` (magnitudes, `-1` for slots
 * pruned in an earlier step): `sel[off+t] = 1` for the `n` largest, ties -> lower position `t`.
 * `min(n, m-n)` scans of the group, no sort; `vals` is clobbered.
 */
function selectGroup(vals: Float64Array, sel: Uint8Array, off: number, m: number, n: number): void {
  const end = off + m;
  // plain loops: TypedArray#fill has a call overhead comparable to a whole small group
  if (n >= m) {
    for (let t = off; t < end; t++) sel[t] = 1;
    return;
  }
  if (n <= m - n) {
    for (let t = off; t < end; t++) sel[t] = 0;
    for (let r = 0; r < n; r++) {
      let best = off;
      let bv = -Infinity;
      for (let t = off; t < end; t++) {
        const v = vals[t] as number;
        if (v > bv) {
          bv = v;
          best = t;
        }
      }
      sel[best] = 1;
      vals[best] = NaN; // taken: never compares again
    }
  } else {
    for (let t = off; t < end; t++) sel[t] = 1;
    for (let r = 0; r < m - n; r++) {
      let worst = off;
      let wv = Infinity;
      for (let t = off; t < end; t++) {
        const v = vals[t] as number;
        if (v <= wv) {
          wv = v;
          worst = t; // `<=`: among equal magnitudes the highest position is pruned first
        }
      }
      sel[worst] = 0;
      vals[worst] = NaN;
    }
  }
}

function nanError(): HwsweepError {
  return new HwsweepError('INVALID_ARGUMENT', 'groupBalancedMask: weights contain NaN (allowed: finite numbers)');
}

/** Columns per tile of the line-group path: tiles keep the strided group gather cache-friendly. */
const TILE = 256;

/**
 * Line groups: `cols` independent lines of length `L`; member `t` of column `k` sits at
 * `base + t*cols + k`; lines are cut into groups of `g`. Rows are read and written contiguously
 * through a `[TILE, g]` transposed scratch.
 */
function lineGroups(
  w: Float32Array,
  prev: Uint8Array | undefined,
  mask: Uint8Array,
  base: number,
  L: number,
  cols: number,
  g: number,
  keep: (m: number) => number,
): void {
  const vals = new Float64Array(TILE * g);
  const sel = new Uint8Array(TILE * g);
  for (let q0 = 0; q0 < L; q0 += g) {
    const m = Math.min(g, L - q0);
    const n = keep(m);
    for (let k0 = 0; k0 < cols; k0 += TILE) {
      const kb = Math.min(TILE, cols - k0);
      for (let t = 0; t < m; t++) {
        const rb = base + (q0 + t) * cols + k0;
        for (let kk = 0; kk < kb; kk++) {
          const a = Math.abs(w[rb + kk] as number);
          if (a !== a) throw nanError();
          vals[kk * g + t] = prev !== undefined && !prev[rb + kk] ? -1 : a;
        }
      }
      for (let kk = 0; kk < kb; kk++) selectGroup(vals, sel, kk * g, m, n);
      for (let t = 0; t < m; t++) {
        const rb = base + (q0 + t) * cols + k0;
        for (let kk = 0; kk < kb; kk++) mask[rb + kk] = sel[kk * g + t] as number;
      }
    }
  }
}

/** Block groups (§2.2): all `R*S` taps x one chunk of `g` channels, one output channel; HWIO order inside. */
function blockGroups(
  w: Float32Array,
  prev: Uint8Array | undefined,
  mask: Uint8Array,
  { R, S, C, K }: { R: number; S: number; C: number; K: number },
  g: number,
  keep: (m: number) => number,
): void {
  const full = R * S * g;
  const idx = new Int32Array(full);
  const vals = new Float64Array(full);
  const sel = new Uint8Array(full);
  for (let q0 = 0; q0 < C; q0 += g) {
    const cw = Math.min(g, C - q0);
    const m = R * S * cw;
    const n = keep(m);
    for (let k = 0; k < K; k++) {
      for (let tap = 0; tap < R * S; tap++) {
        for (let c = 0; c < cw; c++) {
          const j = (tap * C + q0 + c) * K + k;
          const a = Math.abs(w[j] as number);
          if (a !== a) throw nanError();
          idx[tap * cw + c] = j;
          vals[tap * cw + c] = prev !== undefined && !prev[j] ? -1 : a;
        }
      }
      selectGroup(vals, sel, 0, m, n);
      for (let t = 0; t < m; t++) mask[idx[t] as number] = sel[t] as number;
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
  checkArg(
    (opts.keep === undefined) !== (opts.ratio === undefined),
    where,
    'keep/ratio',
    `${opts.keep}/${opts.ratio}`,
    'exactly one of keep or ratio',
  );
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
  const keep = (m: number) => keepFor(plan, m);
  /** Group counts of line groups: `cols` groups per chunk of a line of length L. */
  const count = (L: number, cols: number, lines = 1) => ({
    groups: lines * cols * Math.ceil(L / g),
    full: lines * cols * Math.floor(L / g),
  });
  let counts: { groups: number; full: number };
  if (shapeKind === 'vector') {
    for (let tap = 0; tap < R * S; tap++) lineGroups(w, prev, mask, tap * C * K, C, K, g, keep);
    counts = count(C, K, R * S);
  } else if (shapeKind === 'flat') {
    lineGroups(w, prev, mask, 0, R * S * C, K, g, keep);
    counts = count(R * S * C, K);
  } else if (shapeKind === 'taps') {
    checkArg(
      shape.length === 4,
      where,
      'shape',
      `[${shape.join(',')}]`,
      'a depthwise kernel [kh, kw, inC, mult] for groupShape taps',
    );
    lineGroups(w, prev, mask, 0, R * S, C * K, g, keep);
    counts = count(R * S, C * K);
  } else {
    blockGroups(w, prev, mask, { R, S, C, K }, g, keep);
    counts = count(C, K);
  }
  const groups = counts.groups;
  const fullGroups = counts.full;
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
