/**
 * The Gaussian-process model behind the `gp` sampler (src/search/samplers/gp.ts): candidates encoded as GP
 * inputs, the Matern-5/2 kernel with one lengthscale per axis, exact posterior by Cholesky, and hyper-parameters
 * by maximum marginal likelihood with Optuna's priors (coordinate search over fixed grids). Pure numerics on
 * Float64Arrays; no search-log or spec knowledge.
 */
import { HwsweepError } from '../errors.js';
import { ordinalOrder, type SearchSpace } from './space.js';

/** Lengthscales tried per axis, in encoded units (an ordered axis spans 1). */
const LENGTHSCALES = [0.125, 0.25, 0.5, 1, 2, 4, 8];
/** Noise variances tried, relative to the kernel scale (1e-6: Optuna's minimum noise). */
const NOISES = [1e-6, 1e-4, 1e-2, 1e-1];
/** Passes of the coordinate search over the hyper-parameters. */
const SWEEPS = 2;
// ---------------------------------------------------------------------------------------------------------
// Encoding.
// ---------------------------------------------------------------------------------------------------------

/** The candidates as GP inputs. */
export interface Encoding {
  /** `x[i]`: candidate i's features, length `groups.length`. */
  x: Float64Array[];
  /** `groups[f]`: the axis (lengthscale) of feature f. */
  groups: number[];
  /** Number of axes (lengthscales). */
  axes: number;
}

/** Encodes every candidate of `space` (see the module notes: positions, null flags, one-hot). */
export function encodeSpace(space: SearchSpace): Encoding {
  const groups: number[] = [];
  const columns: ((genes: readonly number[]) => number)[] = [];
  space.axes.forEach((axis, a) => {
    const order = ordinalOrder(axis);
    if (order) {
      const position = (g: number): number => {
        const p = order.indexOf(g);
        return p < 0 ? 0.5 : p / (order.length - 1);
      };
      columns.push((genes) => position(genes[a] as number));
      groups.push(a);
      if (order.length < axis.values.length) {
        columns.push((genes) => (order.includes(genes[a] as number) ? 0 : 1));
        groups.push(a);
      }
    } else {
      axis.values.forEach((_, v) => {
        columns.push((genes) => (genes[a] === v ? 1 : 0));
        groups.push(a);
      });
    }
  });
  const x = space.candidates.map((c) => Float64Array.from(columns, (f) => f(c.genes)));
  return { x, groups, axes: space.axes.length };
}

/** Per-axis squared distances between two encoded points, `[axes]`. */
function axisDistances(a: Float64Array, b: Float64Array, groups: readonly number[], axes: number): Float64Array {
  const d = new Float64Array(axes);
  for (let f = 0; f < groups.length; f++) {
    const diff = (a[f] as number) - (b[f] as number);
    const g = groups[f] as number;
    d[g] = (d[g] as number) + diff * diff;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// Linear algebra (row-major n × n Float64Arrays).
// ---------------------------------------------------------------------------------------------------------

/** Lower-triangular L with `L Lᵀ = a` (a symmetric, `[n, n]` row-major), or null when a is not positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}

/** x with `L x = b` (L lower-triangular `[n, n]`). */
function forwardSolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

/** x with `Lᵀ x = b` (L lower-triangular `[n, n]`). */
function backSolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

// ---------------------------------------------------------------------------------------------------------
// Gaussian process.
// ---------------------------------------------------------------------------------------------------------

/** Matérn 5/2 correlation at squared scaled distance r2 (1 at 0). */
export function matern52(r2: number): number {
  const s = Math.sqrt(5 * r2);
  return (1 + s + (5 / 3) * r2) * Math.exp(-s);
}

/** Kernel hyper-parameters: `ils[a]` = 1/ℓ_a² per axis, `scale` (signal variance), `noise` (variance). */
export interface GpHyper {
  ils: readonly number[];
  scale: number;
  noise: number;
}

/** The posterior of f at an encoded point: mean and variance (of f, noise excluded), in the units of y. */
export interface GpPosterior {
  predict(x: Float64Array): { mean: number; variance: number };
}

/** Correlation `Matern52(Σ_f ils[groups[f]] (a_f - b_f)²)` of two encoded points. */
function correlation(a: Float64Array, b: Float64Array, groups: readonly number[], ils: readonly number[]): number {
  let r2 = 0;
  for (let f = 0; f < groups.length; f++)
    r2 += (ils[groups[f] as number] as number) * ((a[f] as number) - (b[f] as number)) ** 2;
  return matern52(r2);
}

/**
 * The GP posterior given observations `y` at `x` (zero prior mean; callers standardise y).
 * @param x `[n]` encoded points (`Encoding.x` rows; `enc.groups` maps their features to axes)
 * @param y `[n]` observations
 */
export function gpPosterior(
  x: readonly Float64Array[],
  y: readonly number[],
  hyper: GpHyper,
  enc: Pick<Encoding, 'groups'>,
): GpPosterior {
  const n = x.length;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = hyper.scale * correlation(x[i] as Float64Array, x[j] as Float64Array, enc.groups, hyper.ils);
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
    k[i * n + i] = hyper.scale + hyper.noise;
  }
  // The noise floor keeps K positive definite; jitter only if rounding still breaks it.
  let l = cholesky(k, n);
  for (let jitter = 1e-10 * hyper.scale; l === null && jitter < hyper.scale; jitter *= 100) {
    for (let i = 0; i < n; i++) k[i * n + i] = hyper.scale + hyper.noise + jitter;
    l = cholesky(k, n);
  }
  if (l === null) {
    throw new HwsweepError(
      'INVALID_ARGUMENT',
      `gpPosterior: the kernel matrix of ${n} points is not positive definite`,
      {
        context: { points: n, scale: hyper.scale, noise: hyper.noise },
      },
    );
  }
  const chol = l;
  const alpha = backSolve(chol, n, forwardSolve(chol, n, y));
  return {
    predict(p: Float64Array) {
      const ks = Float64Array.from(x, (xi) => hyper.scale * correlation(p, xi, enc.groups, hyper.ils));
      let mean = 0;
      for (let i = 0; i < n; i++) mean += (ks[i] as number) * (alpha[i] as number);
      const v = forwardSolve(chol, n, ks);
      let explained = 0;
      for (let i = 0; i < n; i++) explained += (v[i] as number) ** 2;
      return { mean, variance: Math.max(0, hyper.scale - explained) };
    },
  };
}

/**
 * Profile log marginal likelihood (scale at its optimum yᵀC⁻¹y / n for C = R + g·I, R the correlations)
 * plus Optuna's priors on the inverse squared lengthscales and the noise; -Infinity if C is singular.
 * @param d `[n·n]` per-pair per-axis squared distances, `d[(i·n + j)·axes + a]`
 */
function profileLikelihood(
  d: Float64Array,
  y: readonly number[],
  ils: readonly number[],
  g: number,
): { value: number; scale: number } {
  const n = y.length;
  const axes = ils.length;
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let r2 = 0;
      const base = (i * n + j) * axes;
      for (let a = 0; a < axes; a++) r2 += (ils[a] as number) * (d[base + a] as number);
      const v = matern52(r2);
      c[i * n + j] = v;
      c[j * n + i] = v;
    }
    c[i * n + i] = 1 + g;
  }
  const l = cholesky(c, n);
  if (l === null) return { value: -Infinity, scale: 1 };
  const z = forwardSolve(l, n, y);
  let q = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    q += (z[i] as number) ** 2;
    logDet += 2 * Math.log(l[i * n + i] as number);
  }
  const scale = Math.max(q / n, 1e-12);
  let prior = 0.1 * Math.log(g * scale) - 30 * g * scale; // Gamma(1.1, 30) on the noise variance
  for (const v of ils) prior -= 0.1 / v + 0.1 * v;
  return { value: -0.5 * n * Math.log(scale) - 0.5 * logDet + prior, scale };
}

/**
 * Hyper-parameters for observations `y` (standardised) at `x`: coordinate search, `SWEEPS` passes, each trying
 * every lengthscale of `LENGTHSCALES` per axis then every noise of `NOISES`, from ℓ = 1 and noise 1e-2.
 * Deterministic; first of equal likelihoods wins.
 */
export function fitHyper(
  x: readonly Float64Array[],
  y: readonly number[],
  enc: Pick<Encoding, 'groups' | 'axes'>,
): GpHyper {
  const n = x.length;
  const d = new Float64Array(n * n * enc.axes);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++)
      d.set(axisDistances(x[i] as Float64Array, x[j] as Float64Array, enc.groups, enc.axes), (i * n + j) * enc.axes);
  }
  const lengths = new Array<number>(enc.axes).fill(1);
  let g = 1e-2;
  const likelihood = () =>
    profileLikelihood(
      d,
      y,
      lengths.map((l) => 1 / (l * l)),
      g,
    );
  let best = likelihood();
  const improves = (): boolean => {
    const r = likelihood();
    if (r.value <= best.value) return false;
    best = r;
    return true;
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let a = 0; a < enc.axes; a++) {
      for (const len of LENGTHSCALES) {
        const old = lengths[a] as number;
        if (len === old) continue;
        lengths[a] = len;
        if (!improves()) lengths[a] = old;
      }
    }
    for (const noise of NOISES) {
      const old = g;
      if (noise === old) continue;
      g = noise;
      if (!improves()) g = old;
    }
  }
  return { ils: lengths.map((l) => 1 / (l * l)), scale: best.scale, noise: g * best.scale };
}

/** Mean and standard deviation (1 when all values are equal) of `v`, and `v` standardised by them. */
export function standardise(v: readonly number[]): { z: number[]; mean: number; sd: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) || 1;
  return { z: v.map((x) => (x - mean) / sd), mean, sd };
}

