/**
 * Gaussian-process Bayesian optimisation of a multi-objective front over the discrete space, laid out like
 * Optuna's `GPSampler` (multi-objective with constraints, Optuna >= 4.2): the first `startupTrials` trials are
 * random untried candidates; after that, every proposal refits one GP per objective and one per constraint
 * to the completed trials and runs the untried candidate with the largest
 * `P(feasible) × EHVI` (expected hypervolume improvement of the feasible front, Monte-Carlo over posterior
 * samples; with no feasible trial yet, `P(feasible)` alone). The space is finite, so every untried candidate
 * is scored and no acquisition optimiser is needed; no candidate is proposed twice.
 *
 * - Inputs: an ordered axis (`ordinalOrder`: bit widths, ratios) is its value's position in `[0, 1]`, with
 *   `null` (not applicable) as a separate 0/1 feature at the middle position 0.5; a categorical axis is one-hot
 *   (`null` one more value). Each axis has one lengthscale (shared by its features).
 * - Kernel `scale · Matern52(Σ_axes d²_a / ℓ_a²) + noise · [i = j]`, outputs standardised (mean 0, sd 1).
 *   Hyper-parameters maximise the log marginal likelihood plus Optuna's priors (`_gp/prior.py`: lengthscales
 *   `-(0.1/ils + 0.1·ils)` on ils = 1/ℓ², noise Gamma(1.1, 30)), by coordinate search over fixed grids
 *   (`LENGTHSCALES`, `NOISES`, `SWEEPS` passes in src/search/gp-model.ts, the model), `scale` at its closed-form
 *   optimum (profile likelihood).
 * - Trials still running are believed at their posterior mean (kriging believer, as Optuna): each GP is
 *   conditioned on them with the fitted hyper-parameters, so parallel proposals spread out.
 * - Failed and stopped trials are ignored. On long sweeps the GPs see the `FIT_CAP` (200) best completed
 *   trials (constrained non-dominated rank, `eliteIndices`) and fit their hyper-parameters to the `HYPER_CAP`
 *   (100) best, so that a decision stays under a second (O(n³) per likelihood evaluation).
 */
import type { z } from 'zod';
import { num, strictObj, uint32 } from '../../spec/zod-helpers.js';
import type { Rng } from '../../shared/rng.js';
import { boxVolume, dominatedBoxes, hypervolumeImprovement } from '../hypervolume.js';
import { readLog } from '../log.js';
import { describeObjectives, multiObjectiveOptions, requireBudget, requireObjectives, score, slack } from '../metrics.js';
import { rangeScale } from '../front-share.js';
import { eliteIndices, paretoFront } from '../pareto.js';
import { encodeSpace, fitHyper, gpPosterior, standardise, type Encoding } from '../gp-model.js';
import { randomUntried, type SearchSpace } from '../space.js';
import { decisionRng, type Proposal, type Sampler, type SamplerDefinition, type SearchLog } from '../strategy.js';

/** Most completed trials a GP is conditioned on (O(n²) per candidate's prediction, O(n³) once). */
export const FIT_CAP = 200;
/** Most of them its hyper-parameters are fitted to (O(n³) per likelihood evaluation, ~80 evaluations). */
export const HYPER_CAP = 100;
/** Reference point of the hypervolume, per objective normalised to the observed range [0, 1] (as the bench's). */
const REFERENCE = 1.1;

const gpOptions = strictObj({
  /** Trials to run (required). */
  n: num({ min: 1, max: 1_000_000, int: true }).optional(),
  seed: uint32().default(0),
  ...multiObjectiveOptions,
  /** Random picks until this many trials completed (Optuna's `n_startup_trials`, default 10). */
  startupTrials: num({ min: 1, max: 1_000_000, int: true }).default(10),
  /** Posterior samples per candidate for the EHVI (Optuna's and BoTorch's 128; plain Monte-Carlo here, not Sobol). */
  mcSamples: num({ min: 1, max: 4096, int: true }).default(128),
})
  .superRefine((o, ctx) => {
    requireBudget(o, ctx, 'gp', { key: 'startupTrials', value: o.startupTrials, what: 'a random pick' });
    requireObjectives(o, ctx, 'gp');
    if (o.objectives !== undefined && o.objectives.length > 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['objectives'],
        message: `${o.objectives.length} objectives: gp scores by exact hypervolume, implemented for up to 3`,
      });
    }
  })
  .transform((o) => ({ ...o, n: o.n ?? 1, objectives: o.objectives ?? [] })); // both checked present above
export type GpOptions = z.output<typeof gpOptions>;

/** A fitted GP of one output column, predicting in the column's own units. */
interface OutputModel {
  predict(x: Float64Array): { mean: number; sd: number };
}

/**
 * Fits a GP to `values` at `x` (standardised, `fitHyper`) and conditions it on `pending` points at its own
 * posterior mean (kriging believer).
 */
function fitOutput(
  x: readonly Float64Array[],
  values: readonly number[],
  pending: readonly Float64Array[],
  enc: Encoding,
): OutputModel {
  const { z, mean, sd } = standardise(values);
  const hyper = fitHyper(x.slice(0, HYPER_CAP), z.slice(0, HYPER_CAP), enc); // the best first: see fitSet
  let post = gpPosterior(x, z, hyper, enc);
  if (pending.length > 0) {
    const believed = pending.map((p) => post.predict(p).mean);
    post = gpPosterior([...x, ...pending], [...z, ...believed], hyper, enc);
  }
  const model = post;
  return {
    predict(p) {
      const r = model.predict(p);
      return { mean: mean + sd * r.mean, sd: sd * Math.sqrt(r.variance) };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Acquisition.
// ---------------------------------------------------------------------------------------------------------

/** Numerical Recipes' `erfcc` coefficients, constant term first. */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** Standard normal CDF, via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7 in both tails). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC.length - 1; i >= 0; i--) poly = (ERFC[i] as number) + t * poly;
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Whether some point of `front` is no worse than `y` in every coordinate (then y improves nothing). */
function dominatedBy(y: readonly number[], front: readonly (readonly number[])[]): boolean {
  return front.some((p) => p.every((v, d) => v <= (y[d] as number)));
}

/** A completed trial as the models see it. */
interface Observation {
  candidate: number;
  /** Objectives, minimisation convention (`score`). */
  point: number[];
  penalty: number;
  /** Per constraint: `slack` (> 0 violated). */
  slacks: number[];
}

/**
 * The index of the entry with the largest (acquisition, pf), exact ties chosen uniformly at random (reservoir
 * sampling over the entries in order).
 */
function argmaxWithTies(
  entries: readonly (readonly [index: number, acquisition: number, pf: number])[],
  rng: Rng,
): number {
  let best: (typeof entries)[number] | undefined;
  let ties = 0;
  for (const e of entries) {
    if (best === undefined || e[1] > best[1] || (e[1] === best[1] && e[2] > best[2])) {
      best = e;
      ties = 1;
    } else if (e[1] === best[1] && e[2] === best[2] && rng.int(++ties) === 0) {
      best = e;
    }
  }
  return best?.[0] ?? 0;
}

/**
 * The untried candidate of `untried` with the largest `P(feasible) · EHVI` (or `P(feasible)` when no
 * observation is feasible), objectives normalised by the observed range, EHVI averaged over `samples`
 * (standard normal draws `[S][M]`, shared by every candidate so they are compared on the same draws).
 */
function chooseCandidate(
  untried: readonly number[],
  observed: readonly Observation[],
  pending: readonly number[],
  enc: Encoding,
  samples: readonly Float64Array[],
  rng: Rng,
): number {
  const x = observed.map((o) => enc.x[o.candidate] as Float64Array);
  const px = pending.map((c) => enc.x[c] as Float64Array);
  const m = observed[0]?.point.length ?? 0;
  const objectives = Array.from({ length: m }, (_, d) =>
    fitOutput(
      x,
      observed.map((o) => o.point[d] as number),
      px,
      enc,
    ),
  );
  const constraints = (observed[0]?.slacks ?? []).map((_, c) =>
    fitOutput(
      x,
      observed.map((o) => o.slacks[c] as number),
      px,
      enc,
    ),
  );
  const norm = rangeScale(observed.map((o) => o.point));
  const feasible = observed.filter((o) => o.penalty <= 0).map((o) => o.point.map(norm));
  const front = paretoFront(feasible).map((i) => feasible[i] as number[]);
  const reference = new Array<number>(m).fill(REFERENCE);
  const boxes = dominatedBoxes(front, reference);
  // Per candidate: P(feasible), its posterior samples (normalised) and an upper bound of its acquisition,
  // P(feasible) × E[volume between the sample and the reference, 0 for a sample the front dominates].
  const bounded = untried.map((c) => {
    const xc = enc.x[c] as Float64Array;
    let pf = 1;
    for (const model of constraints) {
      const { mean, sd } = model.predict(xc);
      pf *= sd > 0 ? normalCdf(-mean / sd) : mean <= 0 ? 1 : 0;
    }
    if (front.length === 0) return { pf, ys: [], bound: pf };
    const post = objectives.map((model) => model.predict(xc));
    const ys = samples.map((z) => post.map((p, d) => norm(p.mean + p.sd * (z[d] as number), d)));
    const box = ys.reduce((sum, y) => sum + (dominatedBy(y, front) ? 0 : boxVolume(y, reference)), 0);
    return { pf, ys, bound: (pf * box) / ys.length };
  });
  // Exact EHVI (the costly part) in decreasing order of the bound, until no bound can reach the best so far.
  const order = bounded
    .map((_, i) => i)
    .sort((a, b) => (bounded[b]?.bound as number) - (bounded[a]?.bound as number) || a - b);
  const keys: [index: number, acquisition: number, pf: number][] = [];
  let best = -Infinity;
  for (const i of order) {
    const { pf, ys, bound } = bounded[i] as (typeof bounded)[number];
    if (bound < best) break;
    const ehvi =
      front.length === 0
        ? 1
        : ys.reduce((sum, y) => sum + (dominatedBy(y, front) ? 0 : hypervolumeImprovement(y, boxes, reference)), 0) /
          ys.length;
    keys.push([i, pf * ehvi, pf]);
    best = Math.max(best, pf * ehvi);
  }
  keys.sort((a, b) => a[0] - b[0]);
  return untried[argmaxWithTies(keys, rng)] as number;
}

/**
 * The completed trials the models see: all of them in trial order while they are at most `HYPER_CAP`, else
 * the `FIT_CAP` best, best first (constrained non-dominated rank, then crowding: `eliteIndices`), so that the
 * first `HYPER_CAP` of them, which the hyper-parameters are fitted to, are the best.
 */
function fitSet(observed: Observation[]): Observation[] {
  if (observed.length <= HYPER_CAP) return observed;
  const keep = eliteIndices(
    observed.map((o) => o.point),
    observed.map((o) => o.penalty),
    FIT_CAP,
  );
  return keep.map((i) => observed[i] as Observation);
}

export function createGpSampler(options: GpOptions, space: SearchSpace): Sampler {
  const N = space.candidates.length;
  const budget = Math.min(options.n, N);
  const enc = encodeSpace(space);
  const m = options.objectives.length;

  return {
    name: 'gp',
    budget,
    propose(log: SearchLog): Proposal | null {
      const { proposals, finished } = readLog(log);
      const k = proposals.length;
      if (k >= budget) return null;
      const taken = new Set(proposals.map((p) => p.candidate));
      const rng = decisionRng(options.seed, k);
      const observed: Observation[] = [];
      const pending: number[] = [];
      for (const p of proposals) {
        const f = finished.get(p.trial);
        if (f === undefined) pending.push(p.candidate);
        if (f?.state !== 'completed') continue; // failed, stopped: no values to learn from
        const values = f.values ?? {};
        const { point, penalty } = score(p.trial, values, options.objectives, options.constraints); // throws on a missing value
        const slacks = options.constraints.map((c) => slack(c, values[c.key] as number));
        observed.push({ candidate: p.candidate, point, penalty, slacks });
      }
      if (observed.length < options.startupTrials) {
        const candidate = randomUntried(N, taken, rng);
        return candidate === undefined ? null : { candidate, generation: null };
      }
      const untried = space.candidates.flatMap((_, i) => (taken.has(i) ? [] : [i]));
      if (untried.length === 0) return null;
      const samples = Array.from({ length: options.mcSamples }, () =>
        Float64Array.from({ length: m }, () => rng.normal()),
      );
      const candidate = chooseCandidate(untried, fitSet(observed), pending, enc, samples, rng);
      return { candidate, generation: null };
    },
  };
}

function describeGp(o: GpOptions, space: SearchSpace): string {
  const N = space.candidates.length;
  const n = Math.min(o.n, N);
  return (
    `gp: ${n} of the ${N} trials (${((100 * n) / Math.max(1, N)).toFixed(0)} %), ${o.startupTrials} random first, ` +
    `then expected hypervolume improvement x P(feasible) (${o.mcSamples} samples), seed ${o.seed}; ` +
    describeObjectives(o.objectives, o.constraints)
  );
}

export const gp: SamplerDefinition<GpOptions> = {
  name: 'gp',
  summary:
    'Gaussian-process Bayesian optimisation of the Pareto front (expected hypervolume improvement), with constraints',
  optionKeys: Object.keys(gpOptions.in.shape),
  options: gpOptions,
  create: createGpSampler,
  describe: describeGp,
};
