/**
 * Weight clustering of a whole kernel (METHODS §5.2 step 2): per layer (one codebook) or per output
 * channel (one codebook per last-axis index of an HWIO / `[inC, outC]` kernel).
 */
import { checkArg, checkOneOf } from '../../errors.js';
import { assignCodes, decodeCodes } from './assign.js';
import { type KmeansOptions, kmeans1d } from './kmeans1d.js';

export const Granularities = ['layer', 'channel'] as const;
export type Granularity = (typeof Granularities)[number];

/** A clustered tensor: codes (0 = zero) + codebook(s). */
export interface ClusteredTensor {
  /** Tensor shape (HWIO `[kh, kw, inC, outC]`, dense `[inC, outC]`, or any shape for `layer`). */
  shape: number[];
  granularity: Granularity;
  /** Requested K. */
  k: number;
  /** Codes in the tensor's element order; `code 0` = exact zero, `code j` = `codebooks[g][j-1]`. */
  codes: Uint8Array | Uint16Array;
  /** One ascending codebook per group (1 for `layer`, outC for `channel`); lengths are the K_eff. */
  codebooks: Float32Array[];
  /** Lloyd iterations per group. */
  iterations: number[];
}

/**
 * Clusters the non-zero weights of a kernel.
 * @param w kernel values in row-major order of `shape`.
 * @param shape full shape; for `channel` the last axis is the output channel.
 * @param k K per group, in [1, non-zeros of the group]; a group with fewer non-zeros than K gets
 *   K = its non-zero count when `clampK` (default false: rejected).
 */
export function clusterTensor(
  w: ArrayLike<number>,
  shape: readonly number[],
  k: number,
  opts: KmeansOptions & { granularity?: Granularity; clampK?: boolean } = {},
): ClusteredTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  checkArg(n === w.length, 'clusterTensor', 'shape', `[${shape.join(',')}]`, `a shape with ${w.length} elements`);
  const granularity = opts.granularity ?? 'layer';
  checkOneOf('clusterTensor', 'granularity', granularity, Granularities);
  checkArg(Number.isInteger(k) && k >= 1 && k <= 65535, 'clusterTensor', 'K', k, 'an integer in [1, 65535]');
  if (granularity === 'layer') {
    const nz = nonZeros(w);
    const kk = opts.clampK ? Math.max(1, Math.min(k, nz)) : k;
    if (nz === 0)
      return {
        shape: [...shape],
        granularity,
        k,
        codes: new Uint8Array(n),
        codebooks: [new Float32Array(0)],
        iterations: [0],
      };
    const r = kmeans1d(w, kk, opts);
    return {
      shape: [...shape],
      granularity,
      k,
      codes: assignCodes(w, r.centroids),
      codebooks: [Float32Array.from(r.centroids)],
      iterations: [r.iterations],
    };
  }
  const outC = shape[shape.length - 1] as number;
  const per = n / outC;
  const codes = k <= 255 ? new Uint8Array(n) : new Uint16Array(n);
  const codebooks: Float32Array[] = [];
  const iterations: number[] = [];
  const col = new Float32Array(per);
  for (let o = 0; o < outC; o++) {
    for (let i = 0; i < per; i++) col[i] = w[i * outC + o] as number;
    const nz = nonZeros(col);
    if (nz === 0) {
      codebooks.push(new Float32Array(0));
      iterations.push(0);
      continue;
    }
    const kk = opts.clampK ? Math.min(k, nz) : k;
    if (!opts.clampK)
      checkArg(k <= nz, 'clusterTensor', 'K', k, `<= the number of non-zero values of output channel ${o} (${nz})`);
    const r = kmeans1d(col, kk, opts);
    const c = assignCodes(col, r.centroids);
    for (let i = 0; i < per; i++) codes[i * outC + o] = c[i] as number;
    codebooks.push(Float32Array.from(r.centroids));
    iterations.push(r.iterations);
  }
  return { shape: [...shape], granularity, k, codes, codebooks, iterations };
}

function nonZeros(x: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if ((x[i] as number) !== 0) c++;
  return c;
}

/** Dense values of a clustered tensor (Float32Array in the tensor's element order). */
export function decodeTensor(t: ClusteredTensor): Float32Array {
  if (t.granularity === 'layer') return decodeCodes(t.codes, t.codebooks[0] ?? new Float32Array(0));
  const n = t.codes.length;
  const outC = t.shape[t.shape.length - 1] as number;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = t.codes[i] as number;
    if (c !== 0) out[i] = (t.codebooks[i % outC] as Float32Array)[c - 1] as number;
  }
  return out;
}

/** Largest effective K over the groups (codes need `ceil(log2(K_eff + 1))` bits). */
export function maxKEff(t: ClusteredTensor): number {
  return t.codebooks.reduce((m, c) => Math.max(m, c.length), 0);
}

/**
 * Centroid gradients for shared-weight fine-tuning (METHODS §1.5 step 5):
 * `dL/dc_k = Σ_{w in cluster k} dL/dw`, per codebook; zeros (code 0) get no gradient.
 * @param grad `dL/dw` in the kernel's element order (same length as `t.codes`).
 * @returns one float64 array per codebook, aligned with `t.codebooks`.
 */
export function codebookGradients(t: ClusteredTensor, grad: ArrayLike<number>): Float64Array[] {
  checkArg(
    grad.length === t.codes.length,
    'codebookGradients',
    'grad.length',
    grad.length,
    `the tensor size ${t.codes.length}`,
  );
  const out = t.codebooks.map((b) => new Float64Array(b.length));
  const outC = t.shape[t.shape.length - 1] as number;
  for (let i = 0; i < grad.length; i++) {
    const c = t.codes[i] as number;
    if (c === 0) continue;
    const g = out[t.granularity === 'layer' ? 0 : i % outC] as Float64Array;
    g[c - 1] = (g[c - 1] as number) + (grad[i] as number);
  }
  return out;
}
