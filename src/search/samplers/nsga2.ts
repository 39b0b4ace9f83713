/**
 * NSGA-II over the discrete space (Deb et al. 2002), laid out like Optuna's `NSGAIISampler`: generation 0 is
 * `populationSize` random candidates; once a generation has `populationSize` completed trials, the parent
 * population is the elite (constrained non-dominated rank, then crowding distance) of the previous parents and
 * that generation, and each later trial is a child of two parents chosen by binary tournament (constrained
 * domination), with uniform crossover and per-axis mutation (`mutateGene`: one step along an ordered axis
 * such as bit widths or ratios, a uniform redraw on a categorical one). Trials proposed while a generation is
 * still running join it (so parallel workers never wait). A child that is not a valid candidate, or that
 * already ran, is repaired to the nearest untried candidate (`nearestCandidate`, counting steps along ordered
 * axes): the space is finite and a trial's configuration is unique within a sweep, so no trial is spent twice.
 */
import type { z } from 'zod';
import { num, strictObj, uint32 } from '../../spec/zod-helpers.js';
import type { Rng } from '../../shared/rng.js';
import { readLog, type LogDigest } from '../log.js';
import { describeObjectives, multiObjectiveOptions, requireBudget, requireObjectives, score } from '../metrics.js';
import { constrainedDominates, eliteIndices } from '../pareto.js';
import { nearestCandidate, ordinalOrder, randomUntried, type SearchSpace } from '../space.js';
import { decisionRng, type Proposal, type Sampler, type SamplerDefinition, type SearchLog } from '../strategy.js';

/** Optuna's default probability of taking a gene from the second parent in uniform crossover. */
const SWAPPING_PROB = 0.5;

const nsga2Options = strictObj({
  n: num({ min: 1, max: 1_000_000, int: true }).optional(),
  seed: uint32().default(0),
  populationSize: num({ min: 2, max: 10_000, int: true }).default(20),
  ...multiObjectiveOptions,
  crossoverProb: num({ min: 0, max: 1 }).default(0.9),
  mutationProb: num({ min: 0, max: 1 }).nullable().default(null),
})
  .superRefine((o, ctx) => {
    requireBudget(o, ctx, 'nsga2', { key: 'populationSize', value: o.populationSize, what: 'a random pick of the first generation' });
    requireObjectives(o, ctx, 'nsga2');
  })
  .transform((o) => ({ ...o, n: o.n ?? 1, objectives: o.objectives ?? [] })); // both checked present above
export type Nsga2Options = z.output<typeof nsga2Options>;

/** A scored member of a population: trial number, candidate, minimisation vector, constraint violation. */
export interface Member {
  trial: number;
  candidate: number;
  point: number[];
  penalty: number;
}

/**
 * The parent population and its generation (-1 before the first generation is complete), from the completed
 * trials of the log, as Optuna's `_collect_parent_population`: generation g counts once it has `populationSize`
 * completed trials; the parents are then the elite of the previous parents and that generation.
 */
export function parentPopulation(
  options: Pick<Nsga2Options, 'populationSize' | 'objectives' | 'constraints'>,
  { proposals, finished }: LogDigest,
): { generation: number; members: Member[] } {
  const { populationSize: P, objectives, constraints } = options;
  const byGeneration = new Map<number, Member[]>();
  for (const p of proposals) {
    const f = finished.get(p.trial);
    if (p.generation === null || f?.state !== 'completed') continue;
    const { point, penalty } = score(p.trial, f.values ?? {}, objectives, constraints); // throws on a missing value
    const member = { trial: p.trial, candidate: p.candidate, point, penalty };
    const population = byGeneration.get(p.generation);
    if (population) population.push(member);
    else byGeneration.set(p.generation, [member]);
  }
  let members: Member[] = [];
  let generation = -1;
  for (;;) {
    const population = byGeneration.get(generation + 1) ?? [];
    if (population.length < P) break;
    const pool = [...members, ...population];
    members = eliteIndices(
      pool.map((m) => m.point),
      pool.map((m) => m.penalty),
      P,
    ).map((i) => pool[i] as Member);
    generation++;
  }
  return { generation, members };
}

/**
 * Mutation of one gene (a value index of an axis of `m` values): on an ordered axis (`order` from
 * `ordinalOrder`) a step to a neighbouring value, either way with equal chance (the one neighbour at an end),
 * as a small perturbation of an integer gene; on a categorical axis, or from `null` on an ordered one, a
 * uniformly random value (Optuna's categorical mutation: it may redraw the same value).
 */
export function mutateGene(g: number, m: number, order: readonly number[] | null, rng: Rng): number {
  const pos = order ? order.indexOf(g) : -1;
  if (order && pos >= 0) {
    const steps = [order[pos - 1], order[pos + 1]].filter((v): v is number => v !== undefined);
    return steps[rng.int(steps.length)] as number;
  }
  return rng.int(m);
}

export function createNsga2Sampler(options: Nsga2Options, space: SearchSpace): Sampler {
  const N = space.candidates.length;
  const budget = Math.min(options.n, N);
  const mutationProb = options.mutationProb ?? 1 / Math.max(1, space.axes.length);
  const orders = space.axes.map(ordinalOrder);

  return {
    name: 'nsga2',
    budget,
    propose(log: SearchLog): Proposal | null {
      const digest = readLog(log);
      const { proposals } = digest;
      const k = proposals.length;
      if (k >= budget) return null;
      const taken = new Set(proposals.map((p) => p.candidate));
      const rng = decisionRng(options.seed, k);
      const { generation, members } = parentPopulation(options, digest);
      if (generation < 0) {
        // First generation: a uniformly random untried candidate.
        const candidate = randomUntried(N, taken, rng);
        return candidate === undefined ? null : { candidate, generation: 0 };
      }
      const tournament = (pool: readonly Member[]): Member => {
        const a = pool[rng.int(pool.length)] as Member;
        const b = pool[rng.int(pool.length)] as Member;
        return constrainedDominates(a.point, a.penalty, b.point, b.penalty) ? a : b;
      };
      const genesOf = (m: Member): readonly number[] => space.candidates[m.candidate]?.genes ?? [];
      let child: number[];
      if (rng.next() < options.crossoverProb && members.length >= 2) {
        const p0 = tournament(members);
        const p1 = tournament(members.filter((m) => m !== p0));
        const g0 = genesOf(p0);
        const g1 = genesOf(p1);
        child = g0.map((g, a) => (rng.next() >= SWAPPING_PROB ? (g1[a] as number) : g));
      } else {
        child = [...genesOf(members[rng.int(members.length)] as Member)];
      }
      child = child.map((g, a) =>
        rng.next() < mutationProb ? mutateGene(g, space.axes[a]?.values.length ?? 1, orders[a] ?? null, rng) : g,
      );
      const candidate = nearestCandidate(space, child, taken, rng, orders);
      return candidate === undefined ? null : { candidate, generation: generation + 1 };
    },
  };
}

function describeNsga2(o: Nsga2Options, space: SearchSpace): string {
  const N = space.candidates.length;
  const n = Math.min(o.n, N);
  return (
    `nsga2: ${n} of the ${N} trials (${((100 * n) / Math.max(1, N)).toFixed(0)} %), population ${o.populationSize}, seed ${o.seed}; ` +
    describeObjectives(o.objectives, o.constraints)
  );
}

export const nsga2: SamplerDefinition<Nsga2Options> = {
  name: 'nsga2',
  summary: 'NSGA-II multi-objective search for the Pareto front of the objectives, with constraints',
  optionKeys: Object.keys(nsga2Options.in.shape),
  options: nsga2Options,
  create: createNsga2Sampler,
  describe: describeNsga2,
};
