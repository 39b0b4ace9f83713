/**
 * The plan of a search before anything runs (what `launch --dry-run` prints): the configured sampler and
 * pruner, the size of the space, the budget, and the trials the sampler starts with.
 */
import { describeTrial } from '../spec/describe.js';
import { expandSpec } from '../spec/expand.js';
import type { SweepSpec } from '../spec/types.js';
import { createSampler, describePruner, describeSampler, isAdaptive, type StrategySpec } from './registry.js';
import { buildSpace, type SearchSpace } from './space.js';
import type { SearchEvent } from './strategy.js';

export interface SearchPlan {
  sampler: string;
  /** null when no pruner is configured. */
  pruner: string | null;
  /** Valid candidates in the space. */
  spaceSize: number;
  /** Trials the sampler will propose at most. */
  budget: number;
  /** Candidates (indices into the space) of the first trials, in order, as proposed before any result is known. */
  first: { candidate: number; generation: number | null }[];
  /** Whether the proposals are fixed in advance (grid, random) or depend on results (nsga2, gp). */
  adaptive: boolean;
}

/**
 * Plans a search: the first `limit` proposals made with no result known yet (for nsga2: its random first
 * generation), and one-line descriptions of the sampler and the pruner.
 * @param retrainEpochs retraining epochs of a trial (the pruner's maximum step)
 */
export function planSearch(
  strategy: StrategySpec,
  space: SearchSpace,
  opts: { retrainEpochs: number; limit: number },
): SearchPlan {
  const sampler = createSampler(strategy, space);
  const log: SearchEvent[] = [];
  const first: SearchPlan['first'] = [];
  while (first.length < opts.limit) {
    const p = sampler.propose(log);
    if (p === null) break;
    log.push({ kind: 'proposed', trial: first.length, ...p });
    first.push(p);
  }
  return {
    sampler: describeSampler(strategy, space),
    pruner: strategy.pruner ? describePruner(strategy.pruner, opts.retrainEpochs) : null,
    spaceSize: space.candidates.length,
    budget: sampler.budget,
    first,
    adaptive: isAdaptive(strategy.type),
  };
}

/** The plan as text lines, trials labelled by `label(candidate)`. */
export function formatPlan(plan: SearchPlan, label: (candidate: number) => string): string[] {
  const lines = [`strategy  ${plan.sampler}`];
  if (plan.pruner !== null) lines.push(`pruner    ${plan.pruner}`);
  const head = plan.adaptive ? 'first trials (before any result; later ones depend on the results):' : 'first trials:';
  lines.push(head);
  for (const [k, p] of plan.first.entries()) {
    const gen = p.generation === null ? '' : ` (generation ${p.generation})`;
    lines.push(`  #${k}  ${label(p.candidate)}${gen}`);
  }
  const rest = plan.budget - plan.first.length;
  if (rest > 0) lines.push(`  … and ${rest} more (${plan.budget} of ${plan.spaceSize} in all)`);
  return lines;
}

/** A planned trial, as `launch --dry-run --json` prints it. */
export interface PlannedTrial {
  /** Trial number. */
  number: number;
  candidate: number;
  generation: number | null;
  configHash: string;
  /** `describeTrial` label. */
  label: string;
}

/**
 * The plan of a validated spec's search, as data and as the lines `launch --dry-run` prints: the first
 * `limit` trials (for nsga2 its whole first generation, when larger), labelled like `describeTrial`.
 */
export function planSweep(spec: SweepSpec, limit = 10): { plan: SearchPlan; trials: PlannedTrial[]; lines: string[] } {
  const all = expandSpec({ ...spec, strategy: { type: 'grid' } }).trials;
  const space = buildSpace(all);
  const first = spec.strategy.type === 'nsga2' ? Math.max(limit, spec.strategy.populationSize) : limit;
  const plan = planSearch(spec.strategy, space, { retrainEpochs: spec.retraining.epochs, limit: first });
  const label = (c: number): string => {
    const t = all[c];
    return t === undefined ? `candidate ${c}` : describeTrial(t);
  };
  const trials = plan.first.map((p, number) => ({
    number,
    ...p,
    configHash: all[p.candidate]?.configHash ?? '',
    label: label(p.candidate),
  }));
  return { plan, trials, lines: formatPlan(plan, label) };
}
